"""共商共治: deliberation cases through collect, deliberate, public notice, act, supervise and
evaluate; halls, representatives, meetings with quorum and votes, resolutions on notice,
practical-matter projects with budgets and milestones, and resident evaluation."""
