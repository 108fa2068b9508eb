"""Roll-ups: the counters of the three rates per day × lead unit × community × category (and per
month at two coarser grains), kept up to date from the work-order event log and rebuildable
from raw rows.

**Why a watermark job over the event log, not hooks in the services.** Every change to an
order that can move a counter appends a WorkOrderEvent in the same transaction (that is the
services' contract: intake, dispatch, contact, resolve, callback, reopen, return, redispatch,
merge, decline, unreasonable, extension, the deadline scan's overdue marks). So the event log
*is* the change feed, and reading it by id needs nothing from the services: no call to forget
in the next service someone writes, no work added to the intake's transaction (whose latency
is benchmarked), no roll-up row that every intake of a busy district must lock (hot rows would
serialise the intake), and bulk writers (the demo generator, imports) are covered as long as
they write events. The price is a delay of one run (the task runs every few seconds to a
minute) and the watermark's care for ids that commit out of order (refresh.py: gaps).

**What is counted, and where.** The roll-ups reproduce workorders/rates.py exactly (a test
checks it): an order counts in the month (and day) it was *received*, for its *current* lead
unit, community, subdistrict and category. So an event does not add "one more resolved" to
the day it happens; it changes the state of an order, and the order's whole contribution is
recomputed and moved. A redispatch moves the order from the old lead unit's row to the new
one's; a reopen takes back its `resolved` bit until it is resolved again; a second callback
replaces the first's resolved/satisfaction bits; a decline, merge or unreasonable mark takes
it out of the rate counters. Each order's current contribution is stored
(OrderContribution: its bucket and one bit per counter), and a refresh applies
new − stored to the roll-up rows. The same SQL (contributions.select_sql) computes the
contributions for the refresh and for the rebuild, so the two cannot drift apart.

**Time.** `response_due` also counts orders whose contact deadline has merely passed; the
refresh turns those bits on for the orders whose deadline fell since the last run, and the
roll-ups are "as of" RollupState.as_of (the last refresh), which is the `as_of` to give
rates.py to get the same figures.

Entry points: `rollups_refresh()` (the periodic job: tasks.refresh_rollups,
`gongzhi rollups refresh`), `rollups_rebuild(month=None)` (`gongzhi rollups rebuild
[--month YYYY-MM]`).
"""

from gongzhi.insights.rollups.rebuild import RebuildResult, rollups_rebuild
from gongzhi.insights.rollups.refresh import RefreshResult, rollups_refresh

__all__ = ["RebuildResult", "RefreshResult", "rollups_rebuild", "rollups_refresh"]
