"""The pages of 共商共治. Views are thin: they parse a form, call one service or selector, and
render; every rule is the domain's (services, rules, selectors)."""
