"""The native JSON API of 接诉即办 at /api/v1/: staff actions on work orders.

schemas.py holds the input and output dataclasses, views.py the handlers and the endpoint
table, urls.py the routes (and /api/v1/openapi.json, built from the same table). The handlers
call the workorders selectors and services and decide nothing themselves; the edge machinery
(authentication, CSRF, parsing, error format) is gongzhi.open311.jsonapi.
"""
