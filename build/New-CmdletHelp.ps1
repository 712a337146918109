<#
.SYNOPSIS
    Writes the module's MAML help (en-US/KustoConnect.dll-Help.xml) from the compiled cmdlets.

.DESCRIPTION
    One source for each fact: parameter names, types, sets, positions, aliases and pipeline binding come from the
    cmdlets' own metadata (Get-Command on the assembled module); synopses and parameter descriptions come from the XML
    documentation comments the C# build writes (KustoConnect.xml); examples come from help/Examples.psd1. A cmdlet
    without a synopsis, a parameter without a description, or a cmdlet with fewer than two examples fails the build.
    Run in a fresh pwsh by build/Module.targets (dotnet publish) after the module is assembled.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $XmlDocPath,
    [Parameter(Mandatory)] [string] $ExamplesPath,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$module = Import-Module (Resolve-Path -LiteralPath $ModuleManifest).ProviderPath -PassThru -Force
[xml] $docs = Get-Content -Raw -LiteralPath $XmlDocPath
$examples = Import-PowerShellDataFile -LiteralPath $ExamplesPath
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

$members = @{}
foreach ($member in $docs.doc.members.member) { $members[$member.name] = $member }

function Get-DocText([System.Xml.XmlNode] $Node) {
    if (-not $Node) { return '' }
    ($Node.InnerText -replace '\s+', ' ').Trim()
}

function Get-Synopsis([string] $TypeName) {
    $member = $members["T:$TypeName"]
    if (-not $member) { return '' }
    $para = $member.SelectSingleNode("summary/para[@type='synopsis']")
    if ($para) { Get-DocText $para } else { Get-DocText $member.SelectSingleNode('summary') }
}

function Get-ParameterDoc([type] $Type, [string] $Property) {
    for ($t = $Type; $t -and $t -ne [object]; $t = $t.BaseType) {
        $member = $members["P:$($t.FullName).$Property"]
        if ($member) { return Get-DocText $member.SelectSingleNode('summary') }
    }
    ''
}

function Add-Para([System.Xml.XmlWriter] $W, [string] $Text) {
    $W.WriteStartElement('maml', 'para', $maml); $W.WriteString($Text); $W.WriteEndElement()
}

function Get-TypeLabel([type] $Type) {
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $inner = [Nullable]::GetUnderlyingType($Type)
    if ($inner) { return $inner.Name }
    $Type.Name
}

function Write-Parameter([System.Xml.XmlWriter] $W, $Parameter, $SetMetadata, [string] $Description) {
    $pipeline = @()
    if ($SetMetadata.ValueFromPipeline) { $pipeline += 'ByValue' }
    if ($SetMetadata.ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
    $W.WriteStartElement('command', 'parameter', $command)
    $W.WriteAttributeString('required', ([string] $SetMetadata.IsMandatory).ToLowerInvariant())
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', ([string] [bool] ($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })).ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $W.WriteAttributeString('position', $(if ($SetMetadata.Position -ge 0) { [string] $SetMetadata.Position } else { 'named' }))
    $W.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('name', $maml, $Parameter.Name)
    $W.WriteStartElement('maml', 'description', $maml); Add-Para $W $Description; $W.WriteEndElement()
    $label = Get-TypeLabel $Parameter.ParameterType
    if ($label -ne 'SwitchParameter') {
        $W.WriteStartElement('command', 'parameterValue', $command)
        $W.WriteAttributeString('required', 'true'); $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($label); $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $dev); $W.WriteElementString('name', $maml, $label); $W.WriteEndElement()
    $W.WriteEndElement()
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

$problems = [System.Collections.Generic.List[string]]::new()
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
New-Item -ItemType Directory -Force -Path (Split-Path $OutputPath) | Out-Null
$w = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
try {
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
        $type = $cmd.ImplementingType
        $synopsis = Get-Synopsis $type.FullName
        if (-not $synopsis) { $problems.Add("$($cmd.Name): no synopsis (XML doc <para type=""synopsis""> on $($type.Name))") }
        $remarks = Get-DocText $members["T:$($type.FullName)"]?.SelectSingleNode('remarks')
        $cmdExamples = @($examples[$cmd.Name])
        if ($cmdExamples.Count -lt 2 -or $null -eq $cmdExamples[0]) { $problems.Add("$($cmd.Name): fewer than two examples in $ExamplesPath") }

        $w.WriteStartElement('command', 'command', $command)
        $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
        $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
        $w.WriteStartElement('command', 'details', $command)
        $w.WriteElementString('name', $command, $cmd.Name)
        $w.WriteElementString('verb', $command, $cmd.Verb)
        $w.WriteElementString('noun', $command, $cmd.Noun)
        $w.WriteStartElement('maml', 'description', $maml); Add-Para $w $synopsis; $w.WriteEndElement()
        $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $maml)
        Add-Para $w $synopsis
        if ($remarks) { Add-Para $w $remarks }
        $w.WriteEndElement()

        $ownParameters = $cmd.Parameters.Values | Where-Object { $_.Name -notin $common }
        $w.WriteStartElement('command', 'syntax', $command)
        foreach ($set in $cmd.ParameterSets) {
            $w.WriteStartElement('command', 'syntaxItem', $command)
            $w.WriteElementString('name', $maml, $cmd.Name)
            foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
                $full = $cmd.Parameters[$p.Name]
                Write-Parameter $w $full $p (Get-ParameterDoc $type $p.Name)
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'parameters', $command)
        foreach ($p in $ownParameters | Sort-Object Name) {
            $description = Get-ParameterDoc $type $p.Name
            if (-not $description) { $problems.Add("$($cmd.Name) -$($p.Name): no XML doc summary") }
            $firstSet = $p.ParameterSets.Values | Select-Object -First 1
            Write-Parameter $w $p $firstSet $description
        }
        $w.WriteEndElement()

        # INPUTS: the types of the parameters that take pipeline input (None when none does); OUTPUTS: the OutputType.
        $inputs = @($ownParameters | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } } |
            ForEach-Object { $t = $_.ParameterType; if ($t.IsArray) { $t = $t.GetElementType() }; ([Nullable]::GetUnderlyingType($t) ?? $t).FullName } | Select-Object -Unique)
        $w.WriteStartElement('command', 'inputTypes', $command)
        foreach ($input in $(if ($inputs.Count) { $inputs } else { 'None' })) {
            $w.WriteStartElement('command', 'inputType', $command)
            $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $input); $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'returnValues', $command)
        foreach ($output in $(if (@($cmd.OutputType).Count) { $cmd.OutputType.Name } else { 'None' })) {
            $w.WriteStartElement('command', 'returnValue', $command)
            $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $output); $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'examples', $command)
        $n = 0
        foreach ($example in $cmdExamples | Where-Object { $_ }) {
            $n++
            $w.WriteStartElement('command', 'example', $command)
            $w.WriteElementString('title', $maml, "-------------------------- Example ${n}: $($example.Title) --------------------------")
            $w.WriteElementString('code', $dev, $example.Code.Trim())
            $w.WriteStartElement('dev', 'remarks', $dev); Add-Para $w $example.Remarks; $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'relatedLinks', $command)
        $w.WriteStartElement('maml', 'navigationLink', $maml); $w.WriteElementString('linkText', $maml, 'about_KustoConnect'); $w.WriteEndElement()
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
}
finally { $w.Dispose() }

if ($problems.Count) {
    Remove-Item -LiteralPath $OutputPath -Force
    throw "Cmdlet help is incomplete:`n  " + ($problems -join "`n  ")
}
Write-Host "Wrote help for $(@(Get-Command -Module $module.Name -CommandType Cmdlet).Count) cmdlets to $OutputPath"
