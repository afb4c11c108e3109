"""Shared fixtures for every suite in the repository (see devstack.pytest_plugin)."""

pytest_plugins = ["devstack.pytest_plugin"]
