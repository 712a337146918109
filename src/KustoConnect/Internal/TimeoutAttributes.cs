using System;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace KustoConnect.Internal
{
    /// <summary>
    /// -Timeout takes a TimeSpan (00:30:00), a number of seconds (1800), or a number with a unit as Terraform writes it
    /// (90s, 30m, 2h, 1h30m).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TimeoutTransformationAttribute : ArgumentTransformationAttribute
    {
        private static readonly Regex Units = new Regex(@"^\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        /// <inheritdoc />
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case TimeSpan span:
                    return span;
                case int seconds:
                    return TimeSpan.FromSeconds(seconds);
                case long seconds:
                    return TimeSpan.FromSeconds(seconds);
                case double seconds:
                    return TimeSpan.FromSeconds(seconds);
                case decimal seconds:
                    return TimeSpan.FromSeconds((double)seconds);
                case string text:
                    return Parse(text);
                default:
                    return inputData;
            }
        }

        private static TimeSpan Parse(string text)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            var match = Units.Match(text);
            if (match.Success && (match.Groups[1].Success || match.Groups[2].Success || match.Groups[3].Success))
            {
                int Part(int i) => match.Groups[i].Success ? int.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
                return new TimeSpan(Part(1), Part(2), Part(3));
            }

            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
            {
                return span;
            }

            throw new ArgumentTransformationMetadataException(
                "-Timeout must be a TimeSpan (00:30:00), a number of seconds (1800) or a duration such as 90s, 30m or 2h: '" + text + "'.");
        }
    }

    /// <summary>-Timeout is between 1 second and 7 days.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateTimeoutAttribute : ValidateArgumentsAttribute
    {
        /// <inheritdoc />
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            var value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
            if (!(value is TimeSpan span) || span < TimeSpan.FromSeconds(1) || span > TimeSpan.FromDays(7))
            {
                throw new ValidationMetadataException("-Timeout must be between 1 second and 7 days.");
            }
        }
    }
}
