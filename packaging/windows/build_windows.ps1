# Builds the Windows installer: PyInstaller one-folder bundle, then Inno Setup 6 (iscc on PATH).
# Usage (from the repo root, in the project's venv):  powershell -File packaging\windows\build_windows.ps1
$ErrorActionPreference = "Stop"
$version = python -c "import lia_desktop; print(lia_desktop.__version__)"
pyinstaller --noconfirm --clean packaging\lia_desktop.spec
iscc "/DAppVersion=$version" packaging\windows\lia-desktop.iss
Write-Host "installer: dist\lia-desktop-$version-setup.exe"
