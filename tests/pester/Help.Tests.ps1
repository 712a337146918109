#Requires -Version 7.0
# Get-Help on the assembled module: every cmdlet has a synopsis, a description for every parameter and at least two
# examples; about_KustoConnect is found.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $manifest = Read-ModuleManifest (Get-Module KustoConnect -ListAvailable | Select-Object -First 1).Path
    $script:cmdlets = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module KustoConnect -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Get-Help <Name> -Full' -ForEach $script:cmdlets {
    BeforeAll { $help = Get-Help $Name -Full }

    It 'has a synopsis of its own' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
    }

    It 'describes every parameter' {
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $entry = $help.parameters.parameter | Where-Object name -EQ $parameter
            $entry | Should -Not -BeNullOrEmpty -Because "-$parameter is a parameter of $Name"
            ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'has INPUTS and OUTPUTS sections' {
        @($help.inputTypes.inputType).Count | Should -BeGreaterOrEqual 1
        @($help.returnValues.returnValue).Count | Should -BeGreaterOrEqual 1
        $text = Get-Help $Name -Full | Out-String -Width 200
        $text | Should -Match '(?m)^INPUTS'
        $text | Should -Match '(?m)^OUTPUTS'
    }

    It 'has at least two examples with code and remarks' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty
            ($example.remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'about_KustoConnect' {
    It 'explains sign-in, the emulator, long-running operations and pipelines' {
        $text = Get-Help about_KustoConnect | Out-String
        $text | Should -Match 'Connect-KustoAccount'
        $text | Should -Match 'emulator'
        $text | Should -Match 'LONG-RUNNING'
        $text | Should -Match 'PIPELINES'
    }
}
