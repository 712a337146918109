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

Describe 'the kind parameters, generated from the kinds'' descriptions' {
    It 'carry the property''s help, with the kinds and what clears it where several kinds share them' {
        (Get-Help New-KustoCosmosDbConnection -Parameter RetrievalStartDate).description.Text | Should -Be 'Ingest the documents changed from this date on.'
        (Get-Help New-KustoEventGridConnection -Parameter ConsumerGroup).description.Text | Should -Be "The event hub's consumer group the connection reads with. Defaults to `$Default."
        (Get-Help Test-KustoDataConnection -Parameter TableName).description.Text | Should -BeLike '*Required for Cosmos DB.'
        (Get-Help Test-KustoDataConnection -Parameter CosmosDbContainer).description.Text | Should -Be 'Cosmos DB: the container whose documents are ingested.'
        (Get-Help Update-KustoDataConnection -Parameter MappingRuleName).description.Text | Should -Be "The ingestion mapping of the table. '' clears it."
        (Get-Help Update-KustoDataConnection -Parameter IgnoreFirstRecord).description.Text | Should -BeLike 'Event Grid: skip the first record*-IgnoreFirstRecord:$false turns it off.'
    }

    It 'are in the syntax with their aliases and sets' {
        (Get-Command New-KustoIotHubConnection).Parameters['MappingRuleName'].Aliases | Should -Contain 'MappingName'
        (Get-Command Update-KustoDataConnection).Parameters['Compression'].Attributes.Where({ $_ -is [System.Management.Automation.ValidateSetAttribute] }).ValidValues | Should -Be @('None', 'GZip')
        (Get-Command Test-KustoDataConnection).Parameters['StorageAccountResourceId'].ParameterSets.Keys | Should -Be @('EventGrid')
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
