"""Pages over the findings: hotspots and clusters (with turning one into a proactive order or a
deliberation proposal), the monthly topic candidates, and the playbook beside an open order."""
