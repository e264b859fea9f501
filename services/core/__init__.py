"""Accounts, regions, the resource base, operations, audit and the lifecycle engine."""
