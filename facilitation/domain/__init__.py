"""The pure core: events, vocabulary, rules, the board and club folds, facilitator
commands (validate, then events) and the bridge to the grouping engine. No Flask, no
database, no network: everything here is a function of its inputs."""
