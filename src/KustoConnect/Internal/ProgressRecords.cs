using System;
using System.Globalization;
using System.Management.Automation;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>Builds the Write-Progress record for one poll of a long-running operation.</summary>
    internal static class ProgressRecords
    {
        public static ProgressRecord From(int activityId, OperationProgress progress)
        {
            var elapsed = progress.Elapsed;
            var status = string.Format(
                CultureInfo.InvariantCulture,
                "{0} (elapsed {1:00}:{2:00})",
                string.IsNullOrEmpty(progress.Status) ? "Running" : progress.Status,
                (int)elapsed.TotalMinutes,
                elapsed.Seconds);
            if (!string.IsNullOrEmpty(progress.Note))
            {
                status += "; " + progress.Note;
            }

            var record = new ProgressRecord(activityId, progress.Activity, status);
            if (!string.IsNullOrEmpty(progress.Note))
            {
                record.CurrentOperation = progress.Note;
            }

            if (progress.PercentComplete is int percent && percent >= 0 && percent <= 100)
            {
                record.PercentComplete = percent;
            }

            return record;
        }
    }
}
