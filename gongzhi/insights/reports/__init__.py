"""The monthly report (Excel and PDF, with ranking tables and charts) and the CSV export of
orders with personal data masked."""
