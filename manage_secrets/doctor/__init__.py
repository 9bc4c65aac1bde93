"""`doctor`: the old guide's troubleshooting list, run as a pass/fail checklist. `checkup.run` runs
every check in order; each module checks one area against the `Checklist` it is given."""
