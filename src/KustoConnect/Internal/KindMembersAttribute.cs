using System;

namespace KustoConnect.Internal
{
    /// <summary>Which members build/KindMembers declares on a class marked <see cref="KindMembersAttribute"/>.</summary>
    internal enum KindMembers
    {
        /// <summary>A New-Kusto*Connection cmdlet: a parameter per settable property of its kind.</summary>
        NewParameters,

        /// <summary>Test-KustoDataConnection: a parameter per settable property of every kind, in the kinds' parameter sets.</summary>
        TestParameters,

        /// <summary>Update-KustoDataConnection: a parameter per settable property of every kind, never mandatory.</summary>
        UpdateParameters,

        /// <summary>An output type: a property per property of its kind.</summary>
        OutputProperties,
    }

    /// <summary>
    /// Marks a partial class whose kind members the build declares from the kinds' descriptions in the engine (see
    /// build/KindMembers): the parameters of New-, Test- and Update-, the output types' properties. A member the class
    /// declares itself is left to it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false)]
    internal sealed class KindMembersAttribute : Attribute
    {
        /// <summary>Marks a class for <paramref name="members"/> of <paramref name="kind"/> (null: every kind).</summary>
        public KindMembersAttribute(KindMembers members, string? kind = null)
        {
            Members = members;
            Kind = kind;
        }

        /// <summary>Which members.</summary>
        public KindMembers Members { get; }

        /// <summary>The kind, or null for every kind.</summary>
        public string? Kind { get; }
    }
}
