using System;
using System.Collections.Generic;
using System.Linq;

namespace KustoConnect.Engine
{
    /// <summary>
    /// A create with <see cref="CreateOptions.ValidateFirst"/> (New-Kusto*Connection -Validate): the service's dataConnectionValidation rejected the definition, so nothing was
    /// created. The message holds each of the service's messages on a line of its own, after one line naming the connection.
    /// </summary>
    public sealed class DataConnectionValidationFailedException : KustoException
    {
        /// <summary>The stable error id of this failure.</summary>
        public const string Id = "DataConnectionValidationFailed";

        /// <summary>The failure of the validation of <paramref name="target"/>: the service's <paramref name="messages"/> (at least one).</summary>
        public DataConnectionValidationFailedException(DataConnectionRef target, IReadOnlyList<string> messages)
            : base(Id, Describe(target, messages))
        {
            ResourceId = target.ResourceId;
            Messages = messages.ToArray();
        }

        /// <summary>The data connection that was not created.</summary>
        public string ResourceId { get; }

        /// <summary>The service's validation messages, as it sent them.</summary>
        public IReadOnlyList<string> Messages { get; }

        private static string Describe(DataConnectionRef target, IReadOnlyList<string> messages)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            if (messages == null || messages.Count == 0)
            {
                throw new ArgumentException("A validation failure has at least one message.", nameof(messages));
            }

            return $"Azure rejected the definition of data connection '{target.Name}' in {target.Database.ClusterName}/{target.Database.DatabaseName}; nothing was created:"
                + "\n" + string.Join("\n", messages);
        }
    }
}
