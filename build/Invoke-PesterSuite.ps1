#Requires -Version 7.0
<#
.SYNOPSIS
    Runs the Pester suite. build.ps1 starts this script in a fresh `pwsh -NoProfile` so the tests import the assembled
    module into a clean session, as a user would.

.DESCRIPTION
    Writes the run's counts as JSON to -SummaryPath (read back by build.ps1) and an NUnit XML report to -ReportPath.
    Exits 0 only when Pester reports the run as passed.
#>
[CmdletBinding()]
param(
    # Path of Pester.psd1 from the NuGet package (restored by build.ps1).
    [Parameter(Mandatory)]
    [string] $PesterManifest,

    # The folder (or files) with the *.Tests.ps1 to run.
    [Parameter(Mandatory)]
    [string[]] $TestPath,

    # Where to write the JSON summary.
    [Parameter(Mandatory)]
    [string] $SummaryPath,

    # Where to write the NUnit XML report.
    [Parameter(Mandatory)]
    [string] $ReportPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

Import-Module -Name $PesterManifest -Force
$pester = Get-Module -Name Pester
Write-Host "Pester $($pester.Version) on PowerShell $($PSVersionTable.PSVersion)"

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Run.Exit = $false
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ReportPath
$configuration.Should.ErrorAction = 'Stop'

$result = Invoke-Pester -Configuration $configuration

$summary = [ordered]@{
    Result                = [string]$result.Result
    Total                 = $result.TotalCount
    Passed                = $result.PassedCount
    Failed                = $result.FailedCount
    Skipped               = $result.SkippedCount
    NotRun                = $result.NotRunCount
    FailedBlocksCount     = $result.FailedBlocksCount
    FailedContainersCount = $result.FailedContainersCount
}
$summary | ConvertTo-Json | Set-Content -LiteralPath $SummaryPath -Encoding utf8

exit ($result.Result -eq 'Passed' ? 0 : 1)
