"""The work-order pages, one module per desk: resident (public), intake, queue, order, desks,
ranking; plus what they share (edge: the person and error messages; display: badges and the
resident's view; actions: the form and service of each action; geo: the filing map)."""
