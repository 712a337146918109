#Requires -Version 7.0
<#
.SYNOPSIS
    The one entry point for building, testing, demoing and packaging KustoConnect.

.DESCRIPTION
    Run from a fresh clone (only the .NET SDK, Node.js and npm installed):
        dotnet tool restore && dotnet pwsh ./build.ps1 demo
        dotnet tool restore && dotnet pwsh ./build.ps1 test

    Tasks
      build    dotnet build KustoConnect.sln, then assemble the module into out/KustoConnect/<version>/
               (<version> is <Version> from Directory.Build.props, the one version source).
      test     build, then every suite one after another; prints each suite's counts, one aligned block, and a
               final line "N passed, N failed". Exits non-zero when a test failed, a suite could not run, or no
               test ran at all. Results go to out/test-results/.
      demo     build, start the emulator (--operation-duration 3) and run build/demo.ps1 against it.
      package  build, then zip out/KustoConnect into out/KustoConnect.<version>.zip.
      bench    run each bench/*/*.csproj (Release), then bench/emulator/throughput.sh (wrk against the emulator process).
      clean    remove out/ and the bin/ and obj/ folders of every project.

    Test suites
      xunit     dotnet test --no-build for each tests/*/*.csproj; counts from the TRX <Counters> element.
      pester    tests/pester/*.Tests.ps1 run by Pester 5.7.1 (NuGet package, restored through
                build/tools/Tools.csproj) in a fresh `pwsh -NoProfile` child. The tests get these environment
                variables:
                  KUSTOCONNECT_MODULE_MANIFEST  absolute path of out/KustoConnect/<version>/KustoConnect.psd1
                  KUSTOCONNECT_EMULATOR_DLL     absolute path of the built KustoConnect.Emulator.dll
                  KUSTOCONNECT_BUILD_HELPERS    absolute path of build/EmulatorProcess.psm1
                                                (Start-EmulatorProcess / Stop-EmulatorProcess)
      contract  only when tests/contract/package.json exists: `npm ci` (`npm install` without a lock file), then
                    npm test -- --test-reporter=spec --test-reporter-destination=stdout
                                --test-reporter=junit --test-reporter-destination=<out/test-results/contract.junit.xml>
                The same three environment variables are set. So the package.json's `test` script must be
                node's test runner with options only and NO file arguments (node finds **/*.test.{js,mjs,cjs}
                and test/**/*.{js,mjs,cjs} itself; arguments npm appends after a file name are not read as options):
                    "scripts": { "test": "node --test" }
                (extra options such as --test-concurrency=1 may follow `--test`). Counts are read from the JUnit file.
#>
[CmdletBinding()]
param(
    [ValidateSet('build', 'test', 'demo', 'package', 'bench', 'clean')]
    [string] $Task = 'build',

    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = $PSScriptRoot
$PesterVersion = '5.7.1'   # keep in step with build/tools/Tools.csproj
$OutDir = Join-Path $RepoRoot 'out'
$ModuleRoot = Join-Path $OutDir 'KustoConnect'
$TestResultsDir = Join-Path $OutDir 'test-results'
$EmulatorHelpers = Join-Path $RepoRoot 'build/EmulatorProcess.psm1'

Import-Module (Join-Path $RepoRoot 'build/Build.psm1') -Force

$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

$Dotnet = Assert-Command 'dotnet' 'to build and test (install the .NET SDK)'
$Version = Get-ProjectVersion (Join-Path $RepoRoot 'Directory.Build.props')
$ModuleDir = Join-Path $ModuleRoot $Version
$ManifestPath = Join-Path $ModuleDir 'KustoConnect.psd1'
$EmulatorDll = Join-Path $RepoRoot "src/KustoConnect.Emulator/bin/$Configuration/net10.0/KustoConnect.Emulator.dll"

# Assemblies PowerShell itself provides: never shipped in the module folder.
$HostProvidedAssemblies = @(
    'System.Management.Automation.dll'
    'Microsoft.Management.Infrastructure.dll'
    'Microsoft.PowerShell.*.dll'
    'Microsoft.WSMan.*.dll'
)

function Invoke-BuildTask {
    Write-Step "Build KustoConnect.sln ($Configuration)"
    Invoke-Native $Dotnet @('build', (Join-Path $RepoRoot 'KustoConnect.sln'), '-c', $Configuration, '--nologo') 'dotnet build'

    Write-Step "Assemble module KustoConnect $Version"
    # Wipe every previously assembled version so the folder (and a package made from it) holds exactly this build.
    if (Test-Path -LiteralPath $ModuleRoot) { Remove-Item -LiteralPath $ModuleRoot -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleDir -Force

    $binDir = Join-Path $RepoRoot "src/KustoConnect/bin/$Configuration/netstandard2.0"
    if (-not (Test-Path -LiteralPath (Join-Path $binDir 'KustoConnect.dll') -PathType Leaf)) {
        throw "KustoConnect.dll not found in '$binDir' after the build."
    }
    $assemblies = Get-ChildItem -LiteralPath $binDir -Filter '*.dll' -File | Where-Object {
        $name = $_.Name
        -not ($HostProvidedAssemblies | Where-Object { $name -like $_ })
    }
    $assemblies | Copy-Item -Destination $ModuleDir
    # The dependency manifest lets an AssemblyDependencyResolver (the engine's load context) find the dependencies.
    $depsJson = Join-Path $binDir 'KustoConnect.deps.json'
    if (Test-Path -LiteralPath $depsJson) { Copy-Item -LiteralPath $depsJson -Destination $ModuleDir }

    $sourceManifest = Join-Path $RepoRoot 'KustoConnect.psd1'
    if (-not (Test-Path -LiteralPath $sourceManifest -PathType Leaf)) {
        throw "The module manifest '$sourceManifest' is missing."
    }
    $manifestText = Get-Content -LiteralPath $sourceManifest -Raw
    $pattern = '(?m)^(\s*ModuleVersion\s*=\s*)([''"])[^''"\r\n]*\2'
    if ($manifestText -notmatch $pattern) {
        throw "No ModuleVersion = '...' line in '$sourceManifest'."
    }
    $manifestText = [regex]::Replace($manifestText, $pattern, { param($m) "$($m.Groups[1].Value)'$Version'" }, 'None')
    # UTF-8 with BOM: Windows PowerShell 5.1 reads a BOM-less .psd1 as the ANSI code page.
    Set-Content -LiteralPath $ManifestPath -Value $manifestText -Encoding utf8BOM -NoNewline

    $moduleFiles = Join-Path $RepoRoot 'module'
    if (Test-Path -LiteralPath $moduleFiles -PathType Container) {
        # Everything but dot-files (.gitkeep and the like), sub-folders preserved.
        Get-ChildItem -LiteralPath $moduleFiles | Copy-Item -Destination $ModuleDir -Recurse -Force
    }

    # The emulator ships inside the module (Start-KustoEmulator runs emulator/KustoConnect.Emulator.dll with `dotnet`):
    # its build output as is (assemblies, deps/runtimeconfig json, native SQLite under runtimes/, world.default.json),
    # without debug symbols or XML docs.
    $emulatorBin = Split-Path -Parent $EmulatorDll
    if (-not (Test-Path -LiteralPath $EmulatorDll -PathType Leaf)) {
        throw "KustoConnect.Emulator.dll not found in '$emulatorBin' after the build."
    }
    $emulatorDir = Join-Path $ModuleDir 'emulator'
    $null = New-Item -ItemType Directory -Path $emulatorDir -Force
    Get-ChildItem -LiteralPath $emulatorBin | Where-Object { $_.Extension -notin '.pdb', '.xml' } |
        Copy-Item -Destination $emulatorDir -Recurse -Force
    foreach ($required in 'KustoConnect.Emulator.dll', 'KustoConnect.Emulator.runtimeconfig.json', 'KustoConnect.Emulator.deps.json', 'world.default.json') {
        if (-not (Test-Path -LiteralPath (Join-Path $emulatorDir $required) -PathType Leaf)) {
            throw "The emulator's build output lacks '$required'."
        }
    }

    Write-Step 'Generate cmdlet help (en-US/KustoConnect.dll-Help.xml)'
    # From the cmdlets' metadata, their XML doc comments and help/Examples.psd1; in a fresh pwsh so that this
    # session never loads (and locks) the module it just assembled.
    $pwsh = Get-PwshInvocation
    $helpArguments = @($pwsh.Prefix) + @(
        '-NoProfile', '-NonInteractive', '-File', (Join-Path $RepoRoot 'build/New-CmdletHelp.ps1'),
        '-ModuleManifest', $ManifestPath,
        '-XmlDocPath', (Join-Path $binDir 'KustoConnect.xml'),
        '-ExamplesPath', (Join-Path $RepoRoot 'help/Examples.psd1'),
        '-OutputPath', (Join-Path $ModuleDir 'en-US/KustoConnect.dll-Help.xml'))
    Invoke-Native $pwsh.FilePath $helpArguments 'cmdlet help generation'

    $written = Import-PowerShellDataFile -LiteralPath $ManifestPath
    if ($written.ModuleVersion -ne $Version) {
        throw "The assembled manifest has ModuleVersion '$($written.ModuleVersion)', expected '$Version'."
    }
    $files = @(Get-ChildItem -LiteralPath $ModuleDir -Recurse -File)
    Write-Note "$($files.Count) files in $ModuleDir"
}

function Invoke-XunitSuites {
    $projects = @(Get-ChildItem -Path (Join-Path $RepoRoot 'tests/*/*.csproj') -File | Sort-Object FullName)
    if ($projects.Count -eq 0) {
        return New-SuiteResult -Name 'xunit' -Problem 'no tests/*/*.csproj found'
    }
    foreach ($project in $projects) {
        $name = $project.BaseName
        Write-Step "xunit: $name"
        $trx = Join-Path $TestResultsDir "$name.trx"
        if (Test-Path -LiteralPath $trx) { Remove-Item -LiteralPath $trx -Force }
        $exitCode = Invoke-Process $Dotnet @('test', $project.FullName, '--no-build', '-c', $Configuration, '--nologo',
            '--results-directory', $TestResultsDir, '--logger', "trx;LogFileName=$name.trx")
        $suite = if (-not (Test-Path -LiteralPath $trx)) {
            New-SuiteResult -Name "xunit: $name" -Problem "no TRX written (dotnet test exit code $exitCode)"
        }
        else {
            $counts = Read-TrxCounts $trx
            $problem = if ($exitCode -ne 0 -and $counts.Failed -eq 0) { "dotnet test exit code $exitCode" }
            New-SuiteResult -Name "xunit: $name" -Passed $counts.Passed -Failed $counts.Failed -Skipped $counts.Skipped -Problem $problem
        }
        Write-SuiteLine $suite
        $suite
    }
}

function Get-PesterManifestPath {
    Write-Step "Restore tools (Pester $PesterVersion)"
    Invoke-Native $Dotnet @('restore', (Join-Path $RepoRoot 'build/tools/Tools.csproj'), '--nologo', '-v', 'quiet') 'Restoring build/tools/Tools.csproj'
    $packagesRoot = Get-NuGetPackagesRoot $Dotnet
    $manifest = Join-Path $packagesRoot "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
        throw "Pester $PesterVersion was restored but '$manifest' does not exist."
    }
    return $manifest
}

function Invoke-PesterSuite {
    $name = 'pester: tests/pester'
    $testDir = Join-Path $RepoRoot 'tests/pester'
    if (-not (Get-ChildItem -Path (Join-Path $testDir '*.Tests.ps1') -File -ErrorAction SilentlyContinue)) {
        return New-SuiteResult -Name $name -Problem 'no tests/pester/*.Tests.ps1 found'
    }
    try {
        $pesterManifest = Get-PesterManifestPath
    }
    catch {
        return New-SuiteResult -Name $name -Problem $_.Exception.Message
    }

    Write-Step 'Pester: tests/pester (fresh pwsh -NoProfile)'
    $summaryPath = Join-Path $TestResultsDir 'pester.summary.json'
    $reportPath = Join-Path $TestResultsDir 'pester.nunit.xml'
    foreach ($file in $summaryPath, $reportPath) { if (Test-Path -LiteralPath $file) { Remove-Item -LiteralPath $file -Force } }

    $pwsh = Get-PwshInvocation
    $arguments = @($pwsh.Prefix) + @(
        '-NoProfile', '-NonInteractive', '-File', (Join-Path $RepoRoot 'build/Invoke-PesterSuite.ps1'),
        '-PesterManifest', $pesterManifest,
        '-TestPath', $testDir,
        '-SummaryPath', $summaryPath,
        '-ReportPath', $reportPath)
    $exitCode = Invoke-Process $pwsh.FilePath $arguments

    if (-not (Test-Path -LiteralPath $summaryPath)) {
        $suite = New-SuiteResult -Name $name -Problem "no summary written (pwsh exit code $exitCode)"
    }
    else {
        $summary = Get-Content -LiteralPath $summaryPath -Raw | ConvertFrom-Json
        $problems = @()
        if ($summary.FailedContainersCount -gt 0) { $problems += "$($summary.FailedContainersCount) test file(s) failed to run" }
        if ($summary.FailedBlocksCount -gt 0) { $problems += "$($summary.FailedBlocksCount) block(s) failed in setup or teardown" }
        if ($exitCode -ne 0 -and $summary.Failed -eq 0 -and $problems.Count -eq 0) { $problems += "pwsh exit code $exitCode" }
        $suite = New-SuiteResult -Name $name -Passed $summary.Passed -Failed $summary.Failed `
            -Skipped ($summary.Skipped + $summary.NotRun) -Problem ($problems -join '; ')
    }
    Write-SuiteLine $suite
    return $suite
}

function Invoke-ContractSuite {
    $name = 'node: tests/contract'
    $contractDir = Join-Path $RepoRoot 'tests/contract'
    if (-not (Test-Path -LiteralPath (Join-Path $contractDir 'package.json') -PathType Leaf)) {
        Write-Step 'Contract: tests/contract'
        Write-Note 'The contract suite is absent (no tests/contract/package.json): not counted.'
        return $null
    }
    Write-Step 'Contract: tests/contract (npm)'
    $npm = Assert-Command 'npm' 'for the contract suite in tests/contract (install Node.js and npm)'
    $junit = Join-Path $TestResultsDir 'contract.junit.xml'
    if (Test-Path -LiteralPath $junit) { Remove-Item -LiteralPath $junit -Force }

    $install = (Test-Path -LiteralPath (Join-Path $contractDir 'package-lock.json')) ? 'ci' : 'install'
    $exitCode = Invoke-Process $npm @($install, '--no-audit', '--no-fund') -WorkingDirectory $contractDir
    if ($exitCode -ne 0) {
        return New-SuiteResult -Name $name -Problem "npm $install failed (exit code $exitCode)"
    }
    $exitCode = Invoke-Process $npm @('test', '--', '--test-reporter=spec', '--test-reporter-destination=stdout',
        '--test-reporter=junit', "--test-reporter-destination=$junit") -WorkingDirectory $contractDir

    $suite = if (-not (Test-Path -LiteralPath $junit)) {
        New-SuiteResult -Name $name -Problem "no JUnit report written (npm test exit code $exitCode); the test script must be 'node --test' with options only"
    }
    else {
        $counts = Read-JUnitCounts $junit
        $problem = if ($exitCode -ne 0 -and $counts.Failed -eq 0) { "npm test exit code $exitCode" }
        New-SuiteResult -Name $name -Passed $counts.Passed -Failed $counts.Failed -Skipped $counts.Skipped -Problem $problem
    }
    Write-SuiteLine $suite
    return $suite
}

function Invoke-TestTask {
    # Fail fast, before the build, when a suite's tools are missing.
    if (Test-Path -LiteralPath (Join-Path $RepoRoot 'tests/contract/package.json') -PathType Leaf) {
        $null = Assert-Command 'node' 'for the contract suite in tests/contract (install Node.js)'
        $null = Assert-Command 'npm' 'for the contract suite in tests/contract (install Node.js and npm)'
    }
    Invoke-BuildTask
    $null = New-Item -ItemType Directory -Path $TestResultsDir -Force

    $testEnvironment = @{
        KUSTOCONNECT_MODULE_MANIFEST = $ManifestPath
        KUSTOCONNECT_EMULATOR_DLL    = $EmulatorDll
        KUSTOCONNECT_BUILD_HELPERS   = $EmulatorHelpers
    }
    $saved = @{}
    foreach ($key in $testEnvironment.Keys) {
        $saved[$key] = [Environment]::GetEnvironmentVariable($key)
        [Environment]::SetEnvironmentVariable($key, $testEnvironment[$key])
    }
    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        $suites = [System.Collections.Generic.List[object]]::new()
        foreach ($suite in @(Invoke-XunitSuites)) { $suites.Add($suite) }
        $suites.Add((Invoke-PesterSuite))
        $contract = Invoke-ContractSuite
        if ($null -ne $contract) { $suites.Add($contract) }
    }
    finally {
        foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
    }

    $passed = ($suites | Measure-Object -Property Passed -Sum).Sum
    $failed = ($suites | Measure-Object -Property Failed -Sum).Sum
    $broken = @($suites | Where-Object { $_.Problem })

    Write-Step ("Test summary ({0:N0} s)" -f $stopwatch.Elapsed.TotalSeconds)
    Write-SuiteTable $suites.ToArray()
    if ($broken.Count -gt 0) {
        Write-Host "    $($broken.Count) suite(s) did not run properly: $(($broken | ForEach-Object Name) -join ', ')" -ForegroundColor Red
    }
    if ($passed + $failed -eq 0) {
        Write-Host '    No test ran.' -ForegroundColor Red
    }
    Write-Host ''
    Write-Host "$passed passed, $failed failed"
    return ($failed -eq 0 -and $broken.Count -eq 0 -and $passed -gt 0)
}

function Invoke-DemoTask {
    Invoke-BuildTask
    $demoScript = Join-Path $RepoRoot 'build/demo.ps1'
    if (-not (Test-Path -LiteralPath $demoScript -PathType Leaf)) {
        throw "The demo script '$demoScript' is missing."
    }
    Import-Module $EmulatorHelpers -Force

    Write-Step 'Start the emulator'
    $emulator = Start-EmulatorProcess -DllPath $EmulatorDll -OperationDurationSeconds 3
    try {
        Write-Note "ARM and Entra ID at $($emulator.Url) (process $($emulator.Process.Id))"
        Write-Step 'Demo'
        $pwsh = Get-PwshInvocation
        $arguments = @($pwsh.Prefix) + @(
            '-NoProfile', '-File', $demoScript,
            '-ModuleManifest', $ManifestPath,
            '-ArmEndpoint', $emulator.Url,
            '-AuthorityHost', $emulator.AuthorityHost,
            '-CertificatePath', $emulator.CertificatePath,
            '-TenantId', $emulator.TenantId,
            '-SubscriptionId', $emulator.SubscriptionId)
        $exitCode = Invoke-Process $pwsh.FilePath $arguments
    }
    finally {
        Write-Step 'Stop the emulator'
        Stop-EmulatorProcess -Emulator $emulator
    }
    if ($exitCode -ne 0) {
        Write-Host "The demo failed (exit code $exitCode)." -ForegroundColor Red
    }
    return $exitCode
}

function Invoke-PackageTask {
    Invoke-BuildTask
    Write-Step "Package KustoConnect $Version"
    $zip = Join-Path $OutDir "KustoConnect.$Version.zip"
    if (Test-Path -LiteralPath $zip) { Remove-Item -LiteralPath $zip -Force }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    # includeBaseDirectory: the archive holds KustoConnect/<version>/..., ready to unpack into a PSModulePath folder.
    [System.IO.Compression.ZipFile]::CreateFromDirectory($ModuleRoot, $zip, [System.IO.Compression.CompressionLevel]::Optimal, $true)
    Write-Note "$zip ($([Math]::Round((Get-Item -LiteralPath $zip).Length / 1MB, 1)) MB)"
}

function Invoke-BenchTask {
    Write-Step 'Benchmarks'
    $projects = @(Get-ChildItem -Path (Join-Path $RepoRoot 'bench/*/*.csproj') -File -ErrorAction SilentlyContinue)
    if ($projects.Count -eq 0) {
        Write-Note 'There is no benchmark project (bench/*/*.csproj).'
        return
    }
    foreach ($project in $projects) {
        Write-Step "bench: $($project.BaseName)"
        Invoke-Native $Dotnet @('run', '-c', 'Release', '--project', $project.FullName) "Benchmark $($project.BaseName)"
    }
    Invoke-EmulatorThroughputBench
}

# The emulator as its own process under wrk (bench/emulator/throughput.sh; see bench/README.md): GETs/s fresh and after
# 100,000 operations, RSS through a 100,000-request soak. Needs bash, wrk and curl.
function Invoke-EmulatorThroughputBench {
    Write-Step 'bench: emulator throughput (wrk, separate process)'
    Invoke-Native $Dotnet @('build', (Join-Path $RepoRoot 'src/KustoConnect.Emulator/KustoConnect.Emulator.csproj'), '-c', $Configuration, '-nologo') 'Build the emulator'
    Invoke-Native 'bash' @((Join-Path $RepoRoot 'bench/emulator/throughput.sh'), $EmulatorDll) 'Emulator throughput benchmark'
}

function Invoke-CleanTask {
    Write-Step 'Clean'
    $targets = [System.Collections.Generic.List[string]]::new()
    $targets.Add($OutDir)
    # Only the bin/ and obj/ beside a project file: a bin/ inside node_modules belongs to a package.
    foreach ($root in 'src', 'tests', 'bench', 'build') {
        $path = Join-Path $RepoRoot $root
        if (-not (Test-Path -LiteralPath $path)) { continue }
        Get-ChildItem -LiteralPath $path -Filter '*.csproj' -File -Recurse |
            Where-Object { $_.FullName -notmatch '[\\/]node_modules[\\/]' } |
            ForEach-Object {
                foreach ($sub in 'bin', 'obj') { $targets.Add((Join-Path $_.DirectoryName $sub)) }
            }
    }
    foreach ($target in $targets) {
        if (Test-Path -LiteralPath $target) {
            Remove-Item -LiteralPath $target -Recurse -Force
            Write-Note "removed $([System.IO.Path]::GetRelativePath($RepoRoot, $target))"
        }
    }
}

$exitCode = 0
switch ($Task) {
    'build' { Invoke-BuildTask }
    'test' { if (-not (Invoke-TestTask)) { $exitCode = 1 } }
    'demo' { $exitCode = Invoke-DemoTask }
    'package' { Invoke-PackageTask }
    'bench' { Invoke-BenchTask }
    'clean' { Invoke-CleanTask }
}
exit $exitCode
