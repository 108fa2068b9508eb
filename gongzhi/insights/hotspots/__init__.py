"""未诉先办: hotspots (a place × category above its seasonal norm) and the rows they live in.

    counts.py     CompoundMonthCount recounted from the orders (all months or one)
    cells.py      the counts the scan reads, per level, as arrays
    stats.py      expected counts, over-dispersion, p-values and control limits
    scan.py       hotspots_scan(): gather, judge, store (with its evidence)
    selectors.py  hotspot and cluster lists for the pages, the contributing orders
    models.py     CompoundMonthCount, Hotspot, HotspotScan, Cluster, ClusterMember, SignalEvent

Clusters of near-duplicate texts are in insights/clusters.py; turning a hotspot or a cluster
into a proactive work order or a proposal in insights/services.py.
"""
