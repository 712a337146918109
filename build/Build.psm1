#Requires -Version 7.0
<#
.SYNOPSIS
    Helpers for build.ps1: console headers, the project version, locating tools, running native commands and reading
    test result files (TRX, JUnit, Pester summary).
#>

Set-StrictMode -Version 3.0

function Write-Step {
    # A short header before each step.
    param([Parameter(Mandatory)][string] $Title)
    Write-Host ''
    Write-Host "==> $Title" -ForegroundColor Cyan
}

function Write-Note {
    param([Parameter(Mandatory)][string] $Message)
    Write-Host "    $Message" -ForegroundColor DarkGray
}

function Assert-Command {
    # Fails fast with a clear message when a prerequisite is not on PATH.
    param(
        [Parameter(Mandatory)][string] $Name,
        [Parameter(Mandatory)][string] $Why
    )
    $command = Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($null -eq $command) {
        throw "Prerequisite missing: '$Name' was not found on PATH. It is needed $Why."
    }
    return $command.Source
}

function Invoke-Process {
    # Runs a program attached to this console (no capture: colours, progress and prompts work as usual) and returns
    # its exit code. Arguments are passed one by one, never re-parsed.
    param(
        [Parameter(Mandatory)][string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $WorkingDirectory = (Get-Location -PSProvider FileSystem).ProviderPath
    )
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) { $startInfo.ArgumentList.Add($argument) }
    $startInfo.UseShellExecute = $false
    $startInfo.WorkingDirectory = $WorkingDirectory
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $process.WaitForExit()
        return $process.ExitCode
    }
    finally {
        $process.Dispose()
    }
}

function Invoke-Native {
    # Invoke-Process, throwing when the program exits non-zero.
    param(
        [Parameter(Mandatory)][string] $FilePath,
        [string[]] $ArgumentList = @(),
        [Parameter(Mandatory)][string] $What,
        [string] $WorkingDirectory = (Get-Location -PSProvider FileSystem).ProviderPath
    )
    $exitCode = Invoke-Process -FilePath $FilePath -ArgumentList $ArgumentList -WorkingDirectory $WorkingDirectory
    if ($exitCode -ne 0) {
        throw "$What failed (exit code $exitCode)."
    }
}

function Get-ProjectVersion {
    # The one version source: <Version> in Directory.Build.props.
    param([Parameter(Mandatory)][string] $PropsPath)
    if (-not (Test-Path -LiteralPath $PropsPath -PathType Leaf)) {
        throw "Version source not found: '$PropsPath'."
    }
    [xml] $props = Get-Content -LiteralPath $PropsPath -Raw
    $nodes = @($props.SelectNodes('//*[local-name()="Version"]') | Where-Object { -not [string]::IsNullOrWhiteSpace($_.InnerText) })
    if ($nodes.Count -ne 1) {
        throw "Expected exactly one non-empty <Version> in '$PropsPath', found $($nodes.Count)."
    }
    $version = $nodes[0].InnerText.Trim()
    # A PowerShell ModuleVersion is a System.Version: two to four numeric parts.
    if ($version -notmatch '^\d+(\.\d+){1,3}$') {
        throw "<Version> '$version' in '$PropsPath' is not a valid module version (expected e.g. 1.2.3)."
    }
    return $version
}

function Get-PwshInvocation {
    # The same PowerShell that runs this script, as a file to start plus leading arguments. Under `dotnet pwsh`
    # the process is the dotnet host running pwsh.dll, so a child is started the same way.
    $self = [Environment]::ProcessPath
    $name = [System.IO.Path]::GetFileNameWithoutExtension($self)
    if ($name -eq 'pwsh') {
        return [pscustomobject]@{ FilePath = $self; Prefix = @() }
    }
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    if ($name -eq 'dotnet' -and (Test-Path -LiteralPath $pwshDll -PathType Leaf)) {
        return [pscustomobject]@{ FilePath = $self; Prefix = @($pwshDll) }
    }
    $pwshExe = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path -LiteralPath $pwshExe -PathType Leaf) {
        return [pscustomobject]@{ FilePath = $pwshExe; Prefix = @() }
    }
    throw "Cannot find the running PowerShell executable (process '$self', PSHOME '$PSHOME')."
}

function Get-NuGetPackagesRoot {
    # The global packages folder: NUGET_PACKAGES when set, otherwise what NuGet reports.
    param([Parameter(Mandatory)][string] $Dotnet)
    if (-not [string]::IsNullOrWhiteSpace($env:NUGET_PACKAGES)) {
        return [System.IO.Path]::GetFullPath($env:NUGET_PACKAGES)
    }
    $lines = & $Dotnet nuget locals global-packages --list 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "'dotnet nuget locals global-packages --list' failed: $($lines -join ' ')"
    }
    foreach ($line in $lines) {
        if ("$line" -match '^\s*global-packages:\s*(.+?)\s*$') {
            return [System.IO.Path]::GetFullPath($Matches[1])
        }
    }
    throw "Could not read the NuGet global packages folder from: $($lines -join ' ')"
}

function New-SuiteResult {
    param(
        [Parameter(Mandatory)][string] $Name,
        [int] $Passed = 0,
        [int] $Failed = 0,
        [int] $Skipped = 0,
        [string] $Problem
    )
    [pscustomobject]@{
        PSTypeName = 'KustoConnect.Build.SuiteResult'
        Name       = $Name
        Passed     = $Passed
        Failed     = $Failed
        Skipped    = $Skipped
        Problem    = $Problem
    }
}

function Read-TrxCounts {
    # Counts from the <Counters> element of a Visual Studio TRX file.
    param([Parameter(Mandatory)][string] $Path)
    [xml] $trx = Get-Content -LiteralPath $Path -Raw
    $counters = $trx.SelectSingleNode('//*[local-name()="ResultSummary"]/*[local-name()="Counters"]')
    if ($null -eq $counters) {
        throw "No <Counters> element in '$Path'."
    }
    $count = { param($attribute) [int]($counters.GetAttribute($attribute) -as [int]) }
    $failed = 0
    foreach ($attribute in 'failed', 'error', 'timeout', 'aborted') { $failed += & $count $attribute }
    # VSTest counts an xunit-skipped test as not executed but may leave notExecuted at 0.
    $total = & $count 'total'
    $skipped = [Math]::Max((& $count 'notExecuted'), $total - (& $count 'executed'))
    return [pscustomobject]@{
        Total   = $total
        Passed  = & $count 'passed'
        Failed  = $failed
        Skipped = $skipped
    }
}

function Read-JUnitCounts {
    # Counts from a JUnit XML file (as written by node's junit test reporter): every <testcase> is one test; it
    # failed when it has a <failure> or <error> child, was skipped when it has a <skipped> child.
    param([Parameter(Mandatory)][string] $Path)
    [xml] $junit = Get-Content -LiteralPath $Path -Raw
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($case in $junit.SelectNodes('//testcase')) {
        if ($case.SelectSingleNode('failure|error')) { $failed++ }
        elseif ($case.SelectSingleNode('skipped')) { $skipped++ }
        else { $passed++ }
    }
    return [pscustomobject]@{ Total = $passed + $failed + $skipped; Passed = $passed; Failed = $failed; Skipped = $skipped }
}

function Write-SuiteLine {
    param([Parameter(Mandatory)][psobject] $Suite)
    if ($Suite.Problem) {
        Write-Host "    $($Suite.Name): did not run properly: $($Suite.Problem)" -ForegroundColor Red
    }
    elseif ($Suite.Passed + $Suite.Failed + $Suite.Skipped -eq 0) {
        Write-Host "    $($Suite.Name): no tests" -ForegroundColor Yellow
    }
    else {
        $color = $Suite.Failed -gt 0 ? 'Red' : 'Green'
        Write-Host "    $($Suite.Name): $($Suite.Passed) passed, $($Suite.Failed) failed, $($Suite.Skipped) skipped" -ForegroundColor $color
    }
}

function Write-SuiteTable {
    # One aligned block with every suite's counts.
    param([Parameter(Mandatory)][AllowEmptyCollection()][object[]] $Suites)
    $width = [Math]::Max(5, ($Suites | ForEach-Object { $_.Name.Length } | Measure-Object -Maximum).Maximum)
    Write-Host ('    {0}  {1,7} {2,7} {3,8}' -f 'Suite'.PadRight($width), 'Passed', 'Failed', 'Skipped')
    foreach ($suite in $Suites) {
        $line = '    {0}  {1,7} {2,7} {3,8}' -f $suite.Name.PadRight($width), $suite.Passed, $suite.Failed, $suite.Skipped
        $color = ($suite.Problem -or $suite.Failed -gt 0) ? 'Red' : 'Green'
        if ($suite.Problem) { $line += "  <- $($suite.Problem)" }
        elseif ($suite.Passed + $suite.Failed + $suite.Skipped -eq 0) { $line += '  <- no tests'; $color = 'Yellow' }
        Write-Host $line -ForegroundColor $color
    }
}

Export-ModuleMember -Function Write-Step, Write-Note, Assert-Command, Invoke-Process, Invoke-Native, Get-ProjectVersion,
    Get-PwshInvocation, Get-NuGetPackagesRoot, New-SuiteResult, Read-TrxCounts, Read-JUnitCounts, Write-SuiteLine,
    Write-SuiteTable
