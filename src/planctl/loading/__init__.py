"""Loading: from the settings to the plans a command works on, and the date they are judged at.

Between the commands and store/history (store must not import history, so this is where
both meet): `settings` (what was asked, and where the plans are), `as_at` (the date
statuses are judged at, and where it came from), `plans` (`open_plans`, the one call a
command makes) and `completed` (completion dates from git). Nothing here prints or
imports click: notes for stderr are returned, and the commands print them.

Submodules are imported directly (`from planctl.loading.plans import open_plans`), so a
command that never loads plans (init) never pays for the loaders.
"""
