-- The SLO report's alert state (dev.dbre.slo.AlertStateStore): per SLO objective and alert rule,
-- whether it fired at the last run and since when. A run compares its alerts with these rows and
-- notifies only when one starts or stops firing; it rewrites the rows in the same transaction, after
-- the notice was sent (so a notice that could not be sent is sent again by the next run).
create table slo_alert_state (
    slo        text        not null,
    objective  text        not null,
    alert      text        not null,
    severity   text        not null,
    firing     boolean     not null,
    since      timestamptz not null,
    updated_at timestamptz not null,
    constraint slo_alert_state_key primary key (slo, objective, alert)
);
