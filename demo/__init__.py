"""Demo content for `make run` and the synthetic archive behind `seed_archive`;
nothing here runs in production."""
