"""Insights over the work orders: roll-ups kept up to date from the event log, the monthly
rankings by the three rates, the dashboard figures, and the scale benchmark."""
