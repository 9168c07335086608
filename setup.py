"""Only what pyproject.toml cannot say: ship the repo's ``supabase/`` (migrations and seed, kept
in the Supabase CLI layout at the top level) inside the package, so a wheel or a frozen bundle
can run the devstack. Everything else, package data included, is in pyproject.toml."""

from setuptools import find_packages, setup

SUPABASE = "lia_desktop.devstack.supabase_project"

setup(
    packages=[*find_packages(include=["lia_desktop*"]), SUPABASE, f"{SUPABASE}.migrations"],
    package_dir={SUPABASE: "supabase"},
)
