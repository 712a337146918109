#Requires -Version 7.0
<#
    The assembled module, as a user gets it: out/KustoConnect/<version>/, imported into a fresh pwsh.
    build.ps1 (task test) sets KUSTOCONNECT_MODULE_MANIFEST to the assembled manifest.
#>

Describe 'The assembled KustoConnect module' {
    BeforeAll {
        $manifestPath = $env:KUSTOCONNECT_MODULE_MANIFEST
        if ([string]::IsNullOrWhiteSpace($manifestPath)) {
            throw 'KUSTOCONNECT_MODULE_MANIFEST is not set: run these tests through ./build.ps1 test.'
        }
        if (-not (Test-Path -LiteralPath $manifestPath -PathType Leaf)) {
            throw "KUSTOCONNECT_MODULE_MANIFEST points at a missing file: '$manifestPath'."
        }
        $script:ModuleDirectory = Split-Path -Parent $manifestPath
        $script:ManifestData = Import-PowerShellDataFile -LiteralPath $manifestPath

        $propsPath = Join-Path $PSScriptRoot '../../Directory.Build.props'
        [xml] $props = Get-Content -LiteralPath $propsPath -Raw
        $script:ProjectVersion = @($props.SelectNodes('//*[local-name()="Version"]'))[0].InnerText.Trim()

        $script:ManifestPath = $manifestPath
    }

    AfterAll {
        Remove-Module -Name KustoConnect -Force -ErrorAction SilentlyContinue
    }

    It 'passes Test-ModuleManifest' {
        $module = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $module.Name | Should -Be 'KustoConnect'
    }

    It 'has the ModuleVersion of Directory.Build.props' {
        $ManifestData.ModuleVersion | Should -Be $ProjectVersion
        (Test-ModuleManifest -Path $ManifestPath).Version | Should -Be ([version]$ProjectVersion)
    }

    It 'lives in a folder named after its version, as PowerShellGet installs it' {
        Split-Path -Leaf $ModuleDirectory | Should -Be $ProjectVersion
        Split-Path -Leaf (Split-Path -Parent $ModuleDirectory) | Should -Be 'KustoConnect'
    }

    It 'declares both the Desktop and the Core edition' {
        $ManifestData.CompatiblePSEditions | Should -Contain 'Desktop'
        $ManifestData.CompatiblePSEditions | Should -Contain 'Core'
    }

    It 'lists its cmdlets explicitly, without wildcards' {
        $ManifestData.ContainsKey('CmdletsToExport') | Should -BeTrue -Because 'an explicit list keeps module auto-loading fast'
        $cmdlets = @($ManifestData.CmdletsToExport)
        $cmdlets.Count | Should -BeGreaterThan 0
        foreach ($name in $cmdlets) {
            $name | Should -Not -Match '[\*\?\[\]]'
            $name | Should -Match '^[A-Z][a-z]+-Kusto[A-Za-z]+$' -Because 'every cmdlet is Verb-KustoNoun'
        }
    }

    It 'exports exactly the cmdlets its manifest lists once imported' {
        Import-Module -Name $ManifestPath -Force -ErrorAction Stop
        $exported = @(Get-Command -Module KustoConnect | ForEach-Object Name | Sort-Object)
        $listed = @($ManifestData.CmdletsToExport | Sort-Object)
        $exported | Should -Be $listed
        @(Get-Command -Module KustoConnect -CommandType Cmdlet).Count | Should -Be $listed.Count
    }

    It 'uses only approved verbs' {
        $approved = (Get-Verb).Verb
        foreach ($name in $ManifestData.CmdletsToExport) {
            ($name -split '-', 2)[0] | Should -BeIn $approved
        }
    }

    It 'loads its root module from the module folder' {
        $module = Import-Module -Name $ManifestPath -Force -PassThru -ErrorAction Stop
        $module.Version | Should -Be ([version]$ProjectVersion)
        $module.ModuleBase | Should -Be $ModuleDirectory
        $module.ImplementingAssembly | Should -Not -BeNullOrEmpty
        Split-Path -Parent $module.ImplementingAssembly.Location | Should -Be $ModuleDirectory
    }

    It 'ships no assembly that PowerShell itself provides' {
        $shipped = @(Get-ChildItem -LiteralPath $ModuleDirectory -Filter '*.dll' -Recurse -File | ForEach-Object Name)
        $shipped | Should -Contain 'KustoConnect.dll'
        $shipped | Should -Not -Contain 'System.Management.Automation.dll'
        $shipped | Where-Object { $_ -like 'Microsoft.PowerShell.*.dll' } | Should -BeNullOrEmpty
    }

    It 'ships every file the manifest refers to' {
        $referenced = @($ManifestData.RootModule) + @($ManifestData['FormatsToProcess']) + @($ManifestData['TypesToProcess']) +
            @($ManifestData['NestedModules']) + @($ManifestData['RequiredAssemblies'])
        # Only entries that name a file (an assembly or module name without an extension is resolved elsewhere).
        $files = @($referenced | Where-Object { $_ -is [string] -and [System.IO.Path]::HasExtension($_) })
        $files | Should -Contain $ManifestData.RootModule
        foreach ($relative in $files) {
            Join-Path $ModuleDirectory $relative | Should -Exist
        }
    }
}
