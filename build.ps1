#Requires -Version 7.0
<#
.SYNOPSIS
    Build, test, demo and package KustoConnect over the standard tools: dotnet build/publish/test, PSResourceGet,
    Invoke-Pester, npm.

.DESCRIPTION
    From a fresh clone (the .NET SDK and Node.js): `dotnet tool restore && dotnet pwsh ./build.ps1 demo` (or test).

      build    dotnet build KustoConnect.sln, then `dotnet publish src/KustoConnect -f net8.0`, which assembles the
               module in out/module/KustoConnect/<Version> (build/Module.targets; <Version> of Directory.Build.props).
      package  build, then Publish-PSResource to a local PSResourceGet repository: out/repository/KustoConnect.<Version>.nupkg.
      test     package; install the package from out/repository into out/installed (Save-PSResource) and put that
               folder on PSModulePath, so the Pester suites import KustoConnect by name; publish the coexistence
               fixtures (tests/fixtures) into out/fixtures; then dotnet test for each tests/*/*.csproj, Invoke-Pester
               with tests/pester/PesterConfiguration.psd1 in a fresh pwsh, and npm test in tests/contract against an
               emulator started with the installed module's Start-KustoEmulator.
               Prints each suite's counts and a last line "N passed, N failed"; exits 1 when a test failed, a suite
               did not run properly, or no test ran.
      demo     build, then build/demo.ps1 in a fresh pwsh (it starts and stops the module's emulator itself).
      bench    bench/ColdStart/ColdStart.ps1 (cold start against Microsoft's JS SDK), bench/KustoConnect.Bench, and
               bench/emulator/throughput.sh (wrk against the emulator as its own process; needs bash, wrk and curl).
      clean    remove out/ and every project's bin/ and obj/.
#>
[CmdletBinding()]
param(
    [ValidateSet('build', 'test', 'demo', 'package', 'bench', 'clean')]
    [string] $Task = 'build',
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$env:DOTNET_NOLOGO = '1'; $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$Results = Join-Path $Out 'test-results'
$Version = ([xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
$ModuleDir = Join-Path $Out "module/KustoConnect/$Version"
$Repository = Join-Path $Out 'repository'
$Installed = Join-Path $Out 'installed'
$Pwsh = @([Environment]::ProcessPath) + @(if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

function Step([string] $Title) { Write-Host "`n==> $Title" -ForegroundColor Cyan }
function Exec([string] $What, [scriptblock] $Command) {
    & $Command | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}
function Invoke-Pwsh { & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive @args }
# Runs a script block in a fresh pwsh, its arguments passed as quoted literals.
function Invoke-PwshScript([scriptblock] $Script, [string[]] $ArgumentList) {
    $literals = $ArgumentList | ForEach-Object { "'" + $_.Replace("'", "''") + "'" }
    Invoke-Pwsh -Command "& { $Script } $($literals -join ' ')" | Out-Host
}

function Invoke-Build {
    Step "Build KustoConnect.sln ($Configuration)"
    Exec 'dotnet build' { dotnet build (Join-Path $Root 'KustoConnect.sln') -c $Configuration --nologo }
    Step "Publish the module KustoConnect $Version"
    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    Exec 'dotnet publish' { dotnet publish (Join-Path $Root 'src/KustoConnect/KustoConnect.csproj') -c $Configuration -f net8.0 --no-build --nologo }
    $size = (Get-ChildItem $ModuleDir -Recurse -File | Measure-Object Length -Sum).Sum
    Write-Host ('    {0} ({1:N1} MiB installed)' -f $ModuleDir, ($size / 1MB))
}

function Invoke-Package {
    Invoke-Build
    Step "Package KustoConnect $Version (Publish-PSResource to out/repository)"
    $null = New-Item -ItemType Directory $Repository -Force
    Get-ChildItem $Repository -Filter 'KustoConnect.*.nupkg' | Remove-Item -Force
    Invoke-PwshScript {
        param($repository, $module)
        $ErrorActionPreference = 'Stop'
        $name = 'KustoConnectBuild' + [guid]::NewGuid().ToString('N')
        Register-PSResourceRepository -Name $name -Uri $repository -Trusted
        try { Publish-PSResource -Path $module -Repository $name } finally { Unregister-PSResourceRepository -Name $name }
    } $Repository, $ModuleDir
    if ($LASTEXITCODE -ne 0) { throw 'Publish-PSResource failed.' }
    $package = Join-Path $Repository "KustoConnect.$Version.nupkg"
    Write-Host ('    {0} ({1:N1} MiB)' -f $package, ((Get-Item $package).Length / 1MB))
}

function Install-Package {
    Step 'Install KustoConnect from out/repository into out/installed (Save-PSResource)'
    if (Test-Path $Installed) { Remove-Item $Installed -Recurse -Force }
    $null = New-Item -ItemType Directory $Installed
    Invoke-PwshScript {
        param($repository, $installed, $version)
        $ErrorActionPreference = 'Stop'
        $name = 'KustoConnectBuild' + [guid]::NewGuid().ToString('N')
        Register-PSResourceRepository -Name $name -Uri $repository -Trusted
        try { Save-PSResource -Name KustoConnect -Version $version -Repository $name -Path $installed -TrustRepository -SkipDependencyCheck }
        finally { Unregister-PSResourceRepository -Name $name }
    } $Repository, $Installed, $Version
    if ($LASTEXITCODE -ne 0) { throw 'Save-PSResource failed.' }
}

function Publish-Fixtures {
    Step 'Coexistence fixtures: other Azure SDKs restored from NuGet (tests/fixtures -> out/fixtures)'
    foreach ($project in Get-ChildItem (Join-Path $Root 'tests/fixtures/*/*.csproj')) {
        Exec "dotnet publish $($project.BaseName)" {
            dotnet publish $project.FullName -c $Configuration --nologo -v quiet -o (Join-Path $Out "fixtures/$($project.BaseName)")
        }
    }
}

function Suite([string] $Name, [int] $Passed, [int] $Failed, [int] $Skipped, [string] $Problem) {
    $suite = [pscustomobject]@{ Name = $Name; Passed = $Passed; Failed = $Failed; Skipped = $Skipped; Problem = $Problem }
    $line = '    {0,-38} {1,5} passed {2,4} failed {3,4} skipped' -f $Name, $Passed, $Failed, $Skipped
    if ($Problem) { $line += "  <- $Problem" } elseif ($Passed + $Failed -eq 0) { $line += '  <- no tests' }
    Write-Host $line -ForegroundColor ($Problem -or $Failed -or ($Passed + $Failed -eq 0) ? 'Red' : 'Green')
    $suite
}

function Test-Xunit([IO.FileInfo] $Project) {
    Step "dotnet test $($Project.BaseName)"
    $trx = Join-Path $Results "$($Project.BaseName).trx"
    Remove-Item $trx -ErrorAction SilentlyContinue
    dotnet test $Project.FullName -c $Configuration --no-build --nologo --results-directory $Results --logger "trx;LogFileName=$($Project.BaseName).trx" | Out-Host
    $exit = $LASTEXITCODE
    if (-not (Test-Path $trx)) { return Suite "xunit: $($Project.BaseName)" 0 0 0 "no TRX (exit code $exit)" }
    $c = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary.Counters
    $failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    Suite "xunit: $($Project.BaseName)" $c.passed $failed ([int]$c.total - [int]$c.executed) ($exit -ne 0 -and $failed -eq 0 ? "exit code $exit" : '')
}

function Test-Pester {
    Step 'Invoke-Pester tests/pester (PesterConfiguration.psd1, fresh pwsh, KustoConnect imported by name)'
    $summary = Join-Path $Results 'pester.json'
    Remove-Item $summary -ErrorAction SilentlyContinue
    # Pester from NuGet (build/tools/Tools.csproj downloads it into the global packages folder).
    Exec 'dotnet restore build/tools' { dotnet restore (Join-Path $Root 'build/tools/Tools.csproj') --nologo -v quiet }
    $packages = $env:NUGET_PACKAGES ? $env:NUGET_PACKAGES : ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '')
    $pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    Invoke-PwshScript {
        param($pester, $tests, $summary, $report)
        $ErrorActionPreference = 'Stop'
        Import-Module $pester
        Set-Location $tests
        $configuration = New-PesterConfiguration -Hashtable (Import-PowerShellDataFile ./PesterConfiguration.psd1)
        $configuration.TestResult.OutputPath = $report
        $configuration.Run.PassThru = $true
        $r = Invoke-Pester -Configuration $configuration
        @{ Passed = $r.PassedCount; Failed = $r.FailedCount; Skipped = $r.SkippedCount + $r.NotRunCount
           Blocks = $r.FailedBlocksCount; Containers = $r.FailedContainersCount } | ConvertTo-Json | Set-Content $summary
    } $pester, (Join-Path $Root 'tests/pester'), $summary, (Join-Path $Results 'pester.nunit.xml')
    $exit = $LASTEXITCODE
    if (-not (Test-Path $summary)) { return Suite 'pester: tests/pester' 0 0 0 "no summary (exit code $exit)" }
    $s = Get-Content -Raw $summary | ConvertFrom-Json
    $problem = @(if ($s.Containers) { "$($s.Containers) file(s) failed to run" }; if ($s.Blocks) { "$($s.Blocks) block(s) failed" }) -join '; '
    Suite 'pester: tests/pester' $s.Passed $s.Failed $s.Skipped $problem
}

function Test-Contract {
    $dir = Join-Path $Root 'tests/contract'
    Step 'npm test tests/contract'
    $junit = Join-Path $Results 'contract.junit.xml'
    Remove-Item $junit -ErrorAction SilentlyContinue
    Push-Location $dir
    try {
        npm ci --no-audit --no-fund | Out-Host
        if ($LASTEXITCODE -ne 0) { return Suite 'node: tests/contract' 0 0 0 'npm ci failed' }
        # The suite's emulator: the installed module's own, on a free loopback port; tests/contract/lib/emulator.js
        # reads where it is and whom to sign in as (asked of the emulator itself) from these variables.
        Import-Module KustoConnect -Force
        $emulator = Start-KustoEmulator -NoConnect -OperationDurationSeconds 0.2
        $variables = 'URL', 'CERTIFICATE_PATH', 'TENANT_ID', 'SUBSCRIPTION_ID', 'CLIENT_ID', 'CLIENT_SECRET' | ForEach-Object { "KUSTOCONNECT_EMULATOR_$_" }
        try {
            $connection = [KustoConnect.Emulator.Client.EmulatorConnection]::ReadFile($emulator.DataDirectory)
            $credentials = [KustoConnect.Emulator.Client.EmulatorCredentials]::GetAsync($connection, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
            $env:KUSTOCONNECT_EMULATOR_URL = $connection.Url.ToString()
            $env:KUSTOCONNECT_EMULATOR_CERTIFICATE_PATH = $connection.CertificatePath
            $env:KUSTOCONNECT_EMULATOR_TENANT_ID = $credentials.TenantId
            $env:KUSTOCONNECT_EMULATOR_SUBSCRIPTION_ID = $credentials.SubscriptionId
            $env:KUSTOCONNECT_EMULATOR_CLIENT_ID = $credentials.ClientId
            $env:KUSTOCONNECT_EMULATOR_CLIENT_SECRET = [Net.NetworkCredential]::new('', $credentials.ClientSecret).Password
            npm test -- --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit "--test-reporter-destination=$junit" | Out-Host
            $exit = $LASTEXITCODE
        }
        finally {
            foreach ($variable in $variables) { Remove-Item "env:$variable" -ErrorAction SilentlyContinue }
            Stop-KustoEmulator
        }
    }
    finally { Pop-Location }
    if (-not (Test-Path $junit)) { return Suite 'node: tests/contract' 0 0 0 "no JUnit report (exit code $exit)" }
    $cases = @(([xml](Get-Content -Raw $junit)).SelectNodes('//testcase'))
    $failed = @($cases | Where-Object { $_.SelectSingleNode('failure|error') }).Count
    $skipped = @($cases | Where-Object { $_.SelectSingleNode('skipped') }).Count
    Suite 'node: tests/contract' ($cases.Count - $failed - $skipped) $failed $skipped ($exit -ne 0 -and $failed -eq 0 ? "exit code $exit" : '')
}

function Invoke-Test {
    foreach ($tool in 'node', 'npm') {
        if (-not (Get-Command $tool -CommandType Application -ErrorAction SilentlyContinue)) { throw "'$tool' is not on PATH: the contract suite needs Node.js." }
    }
    Invoke-Package
    Install-Package
    Publish-Fixtures
    $null = New-Item -ItemType Directory $Results -Force
    $env:PSModulePath = $Installed + [IO.Path]::PathSeparator + $env:PSModulePath
    $env:KUSTOCONNECT_FIXTURES = Join-Path $Out 'fixtures'
    $env:KUSTOCONNECT_MODULE_MANIFEST = Join-Path $Installed "KustoConnect/$Version/KustoConnect.psd1"
    $suites = @(
        foreach ($project in Get-ChildItem (Join-Path $Root 'tests/*/*.csproj') | Sort-Object FullName) { Test-Xunit $project }
        Test-Pester
        Test-Contract
    )
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum
    Step 'Test summary'
    foreach ($suite in $suites) { $null = Suite $suite.Name $suite.Passed $suite.Failed $suite.Skipped $suite.Problem }
    Write-Host "`n$passed passed, $failed failed"
    return ($failed -eq 0 -and $passed -gt 0 -and -not ($suites | Where-Object Problem))
}

function Invoke-Demo {
    Invoke-Build
    Step 'Demo (build/demo.ps1 starts and stops the emulator with Start-/Stop-KustoEmulator)'
    Invoke-Pwsh -File (Join-Path $Root 'build/demo.ps1') -ModuleManifest (Join-Path $ModuleDir 'KustoConnect.psd1') | Out-Host
    return $LASTEXITCODE
}

function Invoke-Bench {
    Invoke-Build
    Step 'bench/ColdStart'
    Invoke-Pwsh -File (Join-Path $Root 'bench/ColdStart/ColdStart.ps1') -ModuleDirectory $ModuleDir | Out-Host
    foreach ($project in Get-ChildItem (Join-Path $Root 'bench/*/*.csproj')) {
        Step "bench: $($project.BaseName)"
        Exec $project.BaseName { dotnet run -c Release --project $project.FullName }
    }
    Invoke-EmulatorThroughputBench
}

# The emulator as its own process under wrk (bench/emulator/throughput.sh; see bench/README.md): GETs/s fresh and after
# 100,000 operations, RSS through a 100,000-request soak. Needs bash, wrk and curl.
function Invoke-EmulatorThroughputBench {
    Step 'bench: emulator throughput (wrk, separate process)'
    $emulatorDll = Join-Path $ModuleDir 'emulator/KustoConnect.Emulator.dll'
    Exec 'emulator throughput benchmark' { bash (Join-Path $Root 'bench/emulator/throughput.sh') $emulatorDll }
}

function Invoke-Clean {
    Remove-Item $Out -Recurse -Force -ErrorAction SilentlyContinue
    Get-ChildItem $Root -Filter *.csproj -Recurse | Where-Object FullName -notmatch '[\\/]node_modules[\\/]' |
        ForEach-Object { Remove-Item (Join-Path $_.DirectoryName 'bin'), (Join-Path $_.DirectoryName 'obj') -Recurse -Force -ErrorAction SilentlyContinue }
}

$exitCode = 0
switch ($Task) {
    'build' { Invoke-Build }
    'package' { Invoke-Package }
    'test' { if (-not (Invoke-Test)) { $exitCode = 1 } }
    'demo' { $exitCode = Invoke-Demo }
    'bench' { Invoke-Bench }
    'clean' { Invoke-Clean }
}
exit $exitCode
