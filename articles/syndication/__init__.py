"""Articles handed on to partners and aggregators in the news industry's formats."""
