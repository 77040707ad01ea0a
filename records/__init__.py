"""Pages that compose several apps: the pupil record, the family pages and the LA and trust
overview, plus the seeding orchestrator and its commands. It sits above the domain apps (accounts,
pupils, support, provision) and below the API and the project package; see docs/architecture.md."""
