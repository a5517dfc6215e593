"""The handling workflow (上报 → 受理 → 分拨 → 处置 → 办结 → 督办 → 评价): transitions, timeline,
dispatch, time limits and escalation of overdue incidents."""
