"""Only what pyproject.toml cannot say: ship the repo's ``supabase/`` (migrations and seed, kept
in the Supabase CLI layout at the top level) and ``resources/`` (icons, sound) inside the
package, so a wheel or a frozen bundle can run the devstack and show the app's icon. Everything
else, package data included, is in pyproject.toml."""

from setuptools import find_packages, setup

SUPABASE = "lia_desktop.devstack.supabase_project"
RESOURCES = "lia_desktop.resources"

setup(
    packages=[
        *find_packages(include=["lia_desktop*"]),
        SUPABASE,
        f"{SUPABASE}.migrations",
        RESOURCES,
        f"{RESOURCES}.icons",
        f"{RESOURCES}.sounds",
    ],
    package_dir={SUPABASE: "supabase", RESOURCES: "resources"},
)
