using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace KustoConnect.Engine
{
    /// <summary>
    /// One naming rule: what a name of one kind may be. <see cref="Check"/> first refuses what is unsafe in a URL path
    /// whatever the rule (<see cref="NameRules.UnsafeReason"/>), then applies the rule's own pattern and length.
    /// </summary>
    public sealed class NameRule
    {
        private readonly Regex? _pattern;
        private readonly Func<string, string?>? _extra;
        private readonly bool _lowercase;

        internal NameRule(string what, string requirement, string? pattern, int maxLength, bool ignoreCase = false, bool lowercase = false, Func<string, string?>? extra = null)
        {
            What = what;
            Requirement = requirement;
            MaxLength = maxLength;
            _pattern = pattern == null
                ? null
                : new Regex(pattern, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None), TimeSpan.FromSeconds(1));
            _lowercase = lowercase;
            _extra = extra;
        }

        /// <summary>e.g. "data connection".</summary>
        public string What { get; }

        /// <summary>The rule in words, e.g. "1 to 40 letters, digits, spaces, '.' and '-'".</summary>
        public string Requirement { get; }

        /// <summary>The longest valid name.</summary>
        public int MaxLength { get; }

        /// <summary>Null when <paramref name="name"/> is valid; otherwise what is wrong with it (for a message).</summary>
        public string? Check(string? name)
        {
            if (name == null || name.Length == 0)
            {
                return "is empty";
            }

            if (name.Length > MaxLength)
            {
                return "is " + name.Length.ToString(CultureInfo.InvariantCulture) + " characters long (at most " + MaxLength.ToString(CultureInfo.InvariantCulture) + ")";
            }

            var unsafeReason = NameRules.UnsafeReason(name);
            if (unsafeReason != null)
            {
                return unsafeReason;
            }

            if (_pattern != null && !_pattern.IsMatch(name))
            {
                return "is not valid: use " + Requirement;
            }

            return _extra?.Invoke(name);
        }

        /// <summary>The canonical spelling of a valid name (cluster names are lower case in ARM).</summary>
        internal string Canonical(string name) => _lowercase ? name.ToLowerInvariant() : name;
    }

    /// <summary>
    /// The naming rules, each from its source: the Microsoft.Kusto / Microsoft.Devices 2024-04-13 and 2023-06-30 specs where
    /// they give a pattern, else the documented Azure naming rules ("Naming rules and restrictions for Azure resources"),
    /// else (marked so) only what is unsafe in a URL path.
    /// </summary>
    public static class NameRules
    {
        /// <summary>ARM: a GUID (common-types SubscriptionIdParameter, format uuid).</summary>
        public static NameRule SubscriptionId { get; } = new NameRule(
            "subscription", "a GUID such as 00000000-0000-0000-0000-000000000000", @"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$", 36);

        /// <summary>ARM (common-types ResourceGroupNameParameter and the naming rules): 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.</summary>
        public static NameRule ResourceGroup { get; } = new NameRule(
            "resource group", "1 to 90 letters, digits, '_', '-', '.', '(' and ')', not ending in '.'", @"^[-\p{L}\p{Nd}_.()]{1,90}$", 90,
            extra: n => n.EndsWith(".", StringComparison.Ordinal) ? "must not end in '.'" : null);

        /// <summary>Naming rules, Microsoft.Kusto clusters: 4-22 lowercase letters and digits, starting with a letter (ids: any casing, lowered).</summary>
        public static NameRule Cluster { get; } = new NameRule(
            "cluster", "4 to 22 lowercase letters and digits, starting with a letter", "^[a-z][a-z0-9]{3,21}$", 22, ignoreCase: true, lowercase: true);

        /// <summary>
        /// Naming rules, Microsoft.Kusto clusters/databases: 1-260 letters, digits, hyphens, spaces and periods; '_' is allowed
        /// too because Kusto's entity-name rules allow it and databases with it exist. Never only dots or white space, no
        /// leading or trailing space, not ending in '.' (.NET Framework's Uri drops a trailing dot from a path segment).
        /// </summary>
        public static NameRule Database { get; } = new NameRule(
            "database", "1 to 260 letters, digits, spaces, '_', '.' and '-', not ending in '.' or a space", "^[A-Za-z0-9 _.-]{1,260}$", 260, extra: EdgeCheck);

        /// <summary>Naming rules, Microsoft.Kusto clusters/databases/dataConnections: 1-40 letters, digits, hyphens, spaces and periods (edges as for databases).</summary>
        public static NameRule DataConnection { get; } = new NameRule(
            "data connection", "1 to 40 letters, digits, spaces, '.' and '-', not ending in '.' or a space", "^[A-Za-z0-9 .-]{1,40}$", 40, extra: EdgeCheck);

        /// <summary>Microsoft.Devices 2023-06-30 spec (IotHubs name pattern): 3-50 letters, digits and '-', not all digits, not starting or ending with '-'.</summary>
        public static NameRule IotHub { get; } = new NameRule(
            "IoT hub", "3 to 50 letters, digits and '-', not all digits, not starting or ending with '-'", "^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{2,49}[a-zA-Z0-9]$", 50);

        /// <summary>Naming rules, Microsoft.EventHub namespaces: 6-50 letters, digits and '-', starting with a letter, ending with a letter or digit.</summary>
        public static NameRule EventHubNamespace { get; } = new NameRule(
            "event hub namespace", "6 to 50 letters, digits and '-', starting with a letter and ending with a letter or digit", "^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$", 50);

        /// <summary>Naming rules, Microsoft.EventHub namespaces/eventhubs: 1-256 letters, digits, '.', '-' and '_', starting and ending with a letter or digit.</summary>
        public static NameRule EventHub { get; } = new NameRule(
            "event hub", "1 to 256 letters, digits, '.', '-' and '_', starting and ending with a letter or digit", "^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$", 256);

        /// <summary>Naming rules, Microsoft.Storage storageAccounts: 3-24 lowercase letters and digits (any casing in an id).</summary>
        public static NameRule StorageAccount { get; } = new NameRule(
            "storage account", "3 to 24 lowercase letters and digits", "^[a-z0-9]{3,24}$", 24, ignoreCase: true);

        /// <summary>Naming rules, Microsoft.DocumentDB databaseAccounts: 3-44 lowercase letters, digits and '-', starting and ending with a letter or digit.</summary>
        public static NameRule CosmosDbAccount { get; } = new NameRule(
            "Cosmos DB account", "3 to 44 lowercase letters, digits and '-', starting and ending with a letter or digit", "^[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$", 44, ignoreCase: true);

        /// <summary>Naming rules, Microsoft.ManagedIdentity userAssignedIdentities: 3-128 letters, digits, '-' and '_', starting with a letter or digit.</summary>
        public static NameRule UserAssignedIdentity { get; } = new NameRule(
            "managed identity", "3 to 128 letters, digits, '-' and '_', starting with a letter or digit", "^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$", 128);

        /// <summary>Naming rules, Microsoft.EventGrid eventSubscriptions: 3-64 letters, digits and '-'.</summary>
        public static NameRule EventGridSubscription { get; } = new NameRule(
            "Event Grid subscription", "3 to 64 letters, digits and '-'", "^[A-Za-z0-9-]{3,64}$", 64);

        /// <summary>
        /// A name of any other provider's resource (the scope of an Event Grid subscription). No rule is known for every
        /// provider, so this refuses exactly what is unsafe in a URL path (see <see cref="UnsafeReason"/>), up to 260 characters.
        /// </summary>
        public static NameRule GenericName { get; } = new NameRule("resource", "a name without '/', '\\', '?', '#', '%' or control characters", null, 260);

        /// <summary>A provider namespace such as Microsoft.Storage.</summary>
        internal static NameRule ProviderNamespace { get; } = new NameRule(
            "provider namespace", "a namespace such as Microsoft.Storage", @"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$", 100);

        /// <summary>A resource type segment such as storageAccounts.</summary>
        internal static NameRule ResourceType { get; } = new NameRule("resource type", "a type such as storageAccounts", "^[A-Za-z][A-Za-z0-9]*$", 100);

        /// <summary>
        /// Kusto entity names (table, mapping): 1-1024 characters (Kusto's identifier rules); never only white space, no control
        /// or invisible format characters. The service checks the rest (a mapping may hold characters a table may not).
        /// </summary>
        public static NameRule EntityName { get; } = new NameRule("entity", "1 to 1024 characters without control characters", null, 1024, extra: NotBlank);

        /// <summary>
        /// Consumer groups: "$Default", or (naming rules, IoT hub and event hub consumer groups) 1-50 letters, digits, '.', '-' and '_'.
        /// </summary>
        public static NameRule ConsumerGroup { get; } = new NameRule(
            "consumer group", "$Default or 1 to 50 letters, digits, '.', '-' and '_'", @"^(?:\$Default|[A-Za-z0-9._-]{1,50})$", 50, ignoreCase: true);

        /// <summary>IoT hub shared access policies (the hub's key names, which also appear in its URLs): 1-64 letters, digits, '.', '-' and '_'.</summary>
        public static NameRule SharedAccessPolicy { get; } = new NameRule(
            "shared access policy", "1 to 64 letters, digits, '.', '-' and '_'", "^[A-Za-z0-9._-]{1,64}$", 64);

        /// <summary>An Azure region, as a name ("centralus") or a display name ("Central US"): letters, digits, spaces, '(' ')' and '-', up to 64.</summary>
        public static NameRule Location { get; } = new NameRule(
            "location", "an Azure region such as 'centralus' or 'Central US'", "^[A-Za-z0-9](?:[A-Za-z0-9 ()-]{0,62}[A-Za-z0-9)])?$", 64);

        /// <summary>Cosmos DB database and container ids: 1-255 characters, no '/', '\\', '#' or '?', not ending in a space.</summary>
        public static NameRule CosmosDbEntity { get; } = new NameRule(
            "Cosmos DB", "1 to 255 characters without '/', '\\', '#' and '?', not ending in a space", @"^[^/\\#?]{1,255}$", 255,
            extra: n => n.EndsWith(" ", StringComparison.Ordinal) ? "must not end in a space" : NotBlank(n));

        /// <summary>An event system property name: 1-128 characters, no control or format characters (the service's list grows).</summary>
        public static NameRule EventSystemProperty { get; } = new NameRule("event system property", "1 to 128 characters", null, 128, extra: NotBlank);

        /// <summary>
        /// What makes any value unsafe as a URL path segment or in a request body, whatever its own rule: only dots (a dot
        /// segment, also percent-encoded), only white space, '/', '\\', '?', '#', '%', control characters, invisible
        /// format characters (bidi overrides, zero-width), line separators and lone surrogates. Null when none.
        /// </summary>
        public static string? UnsafeReason(string value)
        {
            if (value == null)
            {
                return "is empty";
            }

            if (IsDotSegment(value))
            {
                return "is a dot segment ('.' or '..')";
            }

            if (value.Trim().Length == 0)
            {
                return "is only white space";
            }

            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                switch (c)
                {
                    case '/':
                    case '\\':
                    case '?':
                    case '#':
                    case '%':
                        return "contains '" + c + "'";
                }

                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    continue;
                }

                var category = CharUnicodeInfo.GetUnicodeCategory(c);
                if (char.IsSurrogate(c) || category == UnicodeCategory.Control || category == UnicodeCategory.Format
                    || category == UnicodeCategory.LineSeparator || category == UnicodeCategory.ParagraphSeparator)
                {
                    return "contains the control or invisible character U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
                }
            }

            return null;
        }

        /// <summary>True for a segment that is only dots ('.', '..', '...'), raw or percent-encoded.</summary>
        public static bool IsDotSegment(string segment)
        {
            if (string.IsNullOrEmpty(segment))
            {
                return false;
            }

            if (OnlyDots(segment))
            {
                return true;
            }

            if (segment.IndexOf('%') < 0)
            {
                return false;
            }

            try
            {
                return OnlyDots(Uri.UnescapeDataString(segment));
            }
            catch (UriFormatException)
            {
                return false;
            }
        }

        private static bool OnlyDots(string value)
        {
            foreach (var c in value)
            {
                if (c != '.')
                {
                    return false;
                }
            }

            return value.Length > 0;
        }

        private static string? EdgeCheck(string name)
        {
            if (name.EndsWith(".", StringComparison.Ordinal))
            {
                return "must not end in '.'";
            }

            return char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[name.Length - 1]) ? "must not begin or end with a space" : null;
        }

        private static string? NotBlank(string name) => name.Trim().Length == 0 ? "is only white space" : null;
    }
}
