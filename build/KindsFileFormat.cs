namespace KustoConnect.Build
{
    /// <summary>
    /// The one definition of DataConnectionKinds.txt, compiled into both its writer (build/KindExport) and its reader
    /// (build/KindMembers): a line per property of each kind, fields separated by tabs, lists by '|', lines starting
    /// with '#' ignored.
    /// </summary>
    internal static class KindsFileFormat
    {
        /// <summary>The file's name; the generator looks for it among the additional files.</summary>
        public const string FileName = "DataConnectionKinds.txt";

        /// <summary>Between fields.</summary>
        public const char FieldSeparator = '\t';

        /// <summary>Between the items of a list field.</summary>
        public const char ListSeparator = '|';

        /// <summary>Flag: a data connection of the kind cannot exist without it.</summary>
        public const char Required = 'R';

        /// <summary>Flag: a partial update may clear it.</summary>
        public const char Clearable = 'C';

        /// <summary>Flag: only the service sets it.</summary>
        public const char ReadOnly = 'O';

        /// <summary>Flag: its completion values are the only ones the service takes.</summary>
        public const char Enumeration = 'E';

        /// <summary>How many fields a line has.</summary>
        public const int FieldCount = (int)Field.Help + 1;

        /// <summary>The fields of a line, in their order.</summary>
        public enum Field
        {
            /// <summary>The kind, e.g. IotHub.</summary>
            Kind,

            /// <summary>How people call the kind, e.g. IoT Hub.</summary>
            KindDisplayName,

            /// <summary>The model's and output type's name.</summary>
            Name,

            /// <summary>ARM's name in "properties".</summary>
            JsonName,

            /// <summary>The cmdlets' parameter.</summary>
            ParameterName,

            /// <summary>String, StringList, Boolean or DateTime.</summary>
            Type,

            /// <summary>The flag characters above.</summary>
            Flags,

            /// <summary>The completion values (a list).</summary>
            Values,

            /// <summary>The parameter's aliases (a list).</summary>
            Aliases,

            /// <summary>The value New- and Test- use when the parameter is not given; empty for none.</summary>
            Default,

            /// <summary>The help.</summary>
            Help,
        }
    }
}
