<#
.SYNOPSIS
Install acctivate-qbo into a virtual environment, then create or upgrade its tables and write
a default config (`acctivate-qbo install`). Safe to run again after an upgrade.

.DESCRIPTION
Everything after the named parameters goes to `acctivate-qbo install` (--config FILE,
--database URL, --no-host-schema).

.EXAMPLE
install\install.ps1
.EXAMPLE
install\install.ps1 -Venv C:\acctivate-qbo -Extras postgres -- --config C:\ERP\acctivate_qbo.toml
.EXAMPLE
install\install.ps1 -PipArgs "--no-index --find-links D:\wheels"   # offline
#>
[CmdletBinding()]
param(
    [string]$Venv = "acctivate-qbo-venv",
    [string]$Python = "py",
    [string]$Package = "",
    [string]$Extras = "",
    [string]$PipArgs = "",
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]]$InstallArgs = @()
)
$ErrorActionPreference = "Stop"

function Fail([string]$Message) {
    Write-Error "install.ps1: $Message" -ErrorAction Continue
    exit 2
}

if (-not $Package) {
    $Package = (Resolve-Path (Join-Path $PSScriptRoot "..")).Path
    if (-not (Test-Path (Join-Path $Package "pyproject.toml"))) {
        Fail "no pyproject.toml in ${Package}: pass -Package with the release file or directory"
    }
}
if ($Extras) { $Package = "$Package[$Extras]" }
if ($InstallArgs.Count -gt 0 -and $InstallArgs[0] -eq "--") {
    $InstallArgs = $InstallArgs[1..($InstallArgs.Count - 1)]
}

if (-not (Get-Command $Python -ErrorAction SilentlyContinue)) {
    Fail "$Python not found: install Python 3.11 or newer from python.org, or pass -Python"
}
$pythonArgs = @()
if ($Python -eq "py") { $pythonArgs = @("-3") }
& $Python @pythonArgs -c "import sys; sys.exit(sys.version_info < (3, 11))"
if ($LASTEXITCODE -ne 0) { Fail "acctivate-qbo needs Python 3.11 or newer (pass -Python)" }

$venvPython = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $venvPython)) {
    Write-Host "== creating the virtual environment $Venv"
    & $Python @pythonArgs -m venv $Venv
    if ($LASTEXITCODE -ne 0) { Fail "could not create the virtual environment $Venv" }
}

Write-Host "== installing $Package"
$pipOptions = @()
if ($PipArgs) { $pipOptions = $PipArgs -split "\s+" }
& $venvPython -m pip install --disable-pip-version-check --upgrade @pipOptions $Package
if ($LASTEXITCODE -ne 0) { Fail "pip could not install $Package (see above)" }

Write-Host "== acctivate-qbo install $InstallArgs"
& (Join-Path $Venv "Scripts\acctivate-qbo.exe") install @InstallArgs
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Host "acctivate-qbo is installed: $(Join-Path $Venv 'Scripts\acctivate-qbo.exe') (next: acctivate-qbo connect)"
