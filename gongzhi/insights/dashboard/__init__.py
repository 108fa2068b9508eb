"""Leaders' dashboards: the district or subdistrict on one screen, a map coloured by rate or
hotspot, trend and category charts, and drill-down from district to order."""
