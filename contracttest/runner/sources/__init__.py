"""Case sources: each phase of a run, and each scenario check, as a source of cases.

A phase module (`positive`, `negative`, `auth`, `stateful`) has ``PHASE``, ``TITLE`` and
``units(ctx) -> list[Unit]``; each unit's steps yield cases and verdicts from the narrow
`contracttest.runner.context.SourceContext`. Scenario modules (`lifecycle`, `listing`,
`isolation`) register their scenarios as checks; the ``stateful`` phase runs the selected ones.
`bounds` and `scenario` hold what several sources share.
"""
