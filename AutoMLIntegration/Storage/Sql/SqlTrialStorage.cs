using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;

namespace MLExtensions.AutoML;

/// <summary>
/// A trial storage in a SQL database (<see cref="SqliteTrialStorage"/>, <see cref="PostgresTrialStorage"/>): the database is
/// the coordinator of every worker sharing a study. Trial ids come from a per-study counter updated in the same transaction
/// that inserts the trial, claims take the oldest waiting trial under a write lock (SQLite) or a skip-locked row lock
/// (PostgreSQL), and proposals read the history and insert the new trial in one transaction. All SQL takes values as
/// parameters. Thread-safe: every call uses its own pooled connection. The schema is versioned (table
/// <c>mlext_schema_version</c>) and created on first use.
/// </summary>
public abstract class SqlTrialStorage : ITrialStorage
{
    /// <summary>The schema version this library writes and reads.</summary>
    internal const int SchemaVersion = 1;

    private readonly SqlDialect _dialect;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private readonly ConcurrentDictionary<string, long> _studyIds = new(StringComparer.Ordinal);
    private volatile bool _schemaReady;
    private volatile bool _disposed;

    private protected SqlTrialStorage(SqlDialect dialect)
    {
        _dialect = dialect;
    }

    /// <inheritdoc/>
    public override string ToString() => _dialect.Description;

    /// <inheritdoc/>
    public async Task CreateOrOpenStudyAsync(string studyName, bool isMaximize, CancellationToken cancellationToken = default)
    {
        StudyNames.Check(studyName);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO mlext_studies (name, is_maximize, next_trial_id, created_ms)
            VALUES (@name, @max, 0, {_dialect.NowMilliseconds})
            ON CONFLICT (name) DO NOTHING
            """, cancellationToken, ("@name", studyName), ("@max", isMaximize ? 1 : 0)).ConfigureAwait(false);
        var rows = await QueryAsync(connection, transaction, "SELECT study_id, is_maximize FROM mlext_studies WHERE name = @name",
            r => (Id: Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), Max: Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture) != 0),
            cancellationToken, ("@name", studyName)).ConfigureAwait(false);
        if (rows.Count != 1)
        {
            throw new InvalidOperationException($"{_dialect.Description}: study '{studyName}' was not found right after it was created.");
        }

        var (studyId, storedMaximize) = rows[0];
        if (storedMaximize != isMaximize)
        {
            throw new InvalidOperationException(
                $"{_dialect.Description}: study '{studyName}' exists and {(storedMaximize ? "maximizes" : "minimizes")} its metric; " +
                $"it cannot be opened to {(isMaximize ? "maximize" : "minimize")} it (isMaximize must be {storedMaximize}).");
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _studyIds[studyName] = studyId;
    }

    /// <inheritdoc/>
    public async Task<int> EnqueueAsync(string studyName, string parameterJson, CancellationToken cancellationToken = default)
    {
        var json = NormalizeParameter(parameterJson, nameof(parameterJson));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var studyId = await GetStudyIdAsync(connection, studyName, cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var trialId = await AllocateTrialIdAsync(connection, transaction, studyId, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO mlext_trials (study_id, trial_id, state, parameter_json, claim_count)
            VALUES (@s, @t, @state, @json, 0)
            """, cancellationToken, ("@s", studyId), ("@t", trialId), ("@state", nameof(TrialState.Waiting)), ("@json", json)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return trialId;
    }

    /// <inheritdoc/>
    public async Task<StoredTrial?> ClaimAsync(string studyName, string workerId, CancellationToken cancellationToken = default)
    {
        CheckWorkerId(workerId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var studyId = await GetStudyIdAsync(connection, studyName, cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var claimed = await QueryAsync(connection, transaction, $"""
            UPDATE mlext_trials
            SET state = @running, worker_id = @w, started_ms = {_dialect.NowMilliseconds}, heartbeat_ms = {_dialect.NowMilliseconds},
                claim_count = claim_count + 1
            WHERE study_id = @s AND state = @waiting AND trial_id = (
                SELECT trial_id FROM mlext_trials WHERE study_id = @s AND state = @waiting
                ORDER BY trial_id LIMIT 1{_dialect.ForUpdateSkipLocked})
            RETURNING trial_id
            """, r => Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), cancellationToken, ("@s", studyId), ("@w", workerId),
            ("@running", nameof(TrialState.Running)), ("@waiting", nameof(TrialState.Waiting))).ConfigureAwait(false);
        int? trialId = claimed.Count == 0 ? null : claimed[0];
        if (trialId is null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        var trial = (await ReadTrialsAsync(connection, transaction, studyId, trialId, cancellationToken).ConfigureAwait(false)).Single();
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return trial;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="propose"/> runs inside the write transaction (SQLite) or while the study's row is locked (PostgreSQL),
    /// so other workers' proposals wait for it: keep it quick. When it returns null or throws, nothing is stored and the trial
    /// id is not used.
    /// </remarks>
    public async Task<StoredTrial?> ProposeAndClaimAsync(string studyName, string workerId,
        Func<IReadOnlyList<StoredTrial>, int, string?> propose, CancellationToken cancellationToken = default)
    {
        CheckWorkerId(workerId);
        ArgumentNullException.ThrowIfNull(propose);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var studyId = await GetStudyIdAsync(connection, studyName, cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);

        // Lock the study row first: concurrent proposals for this study queue here, so each one sees the trial the previous inserted.
        var nextTrialId = Convert.ToInt32(await ScalarAsync(connection, transaction,
            $"SELECT next_trial_id FROM mlext_studies WHERE study_id = @s{_dialect.ForUpdate}", cancellationToken, ("@s", studyId))
            .ConfigureAwait(false), CultureInfo.InvariantCulture);
        var history = await ReadTrialsAsync(connection, transaction, studyId, null, cancellationToken).ConfigureAwait(false);
        var proposed = propose(history, nextTrialId);
        if (proposed is null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        var json = NormalizeParameter(proposed, nameof(propose));
        await ExecuteAsync(connection, transaction, "UPDATE mlext_studies SET next_trial_id = @next WHERE study_id = @s",
            cancellationToken, ("@s", studyId), ("@next", nextTrialId + 1)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO mlext_trials (study_id, trial_id, state, parameter_json, worker_id, started_ms, heartbeat_ms, claim_count)
            VALUES (@s, @t, @running, @json, @w, {_dialect.NowMilliseconds}, {_dialect.NowMilliseconds}, 1)
            """, cancellationToken, ("@s", studyId), ("@t", nextTrialId), ("@running", nameof(TrialState.Running)), ("@json", json),
            ("@w", workerId)).ConfigureAwait(false);
        var trial = (await ReadTrialsAsync(connection, transaction, studyId, nextTrialId, cancellationToken).ConfigureAwait(false)).Single();
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return trial;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or <paramref name="value"/> is NaN.</exception>
    /// <exception cref="TrialClaimLostException">The trial is not running (reclaimed or already ended).</exception>
    /// <exception cref="InvalidOperationException">The trial already reported <paramref name="step"/>.</exception>
    public Task ReportAsync(string studyName, int trialId, int step, double value, CancellationToken cancellationToken = default) =>
        ReportCoreAsync(studyName, trialId, null, step, value, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or <paramref name="value"/> is NaN.</exception>
    /// <exception cref="TrialClaimLostException">The trial is not running for <paramref name="workerId"/> (reclaimed or already ended).</exception>
    /// <exception cref="InvalidOperationException">The trial already reported <paramref name="step"/>.</exception>
    public Task ReportAsync(string studyName, int trialId, string workerId, int step, double value, CancellationToken cancellationToken = default)
    {
        CheckWorkerId(workerId);
        return ReportCoreAsync(studyName, trialId, workerId, step, value, cancellationToken);
    }

    private async Task ReportCoreAsync(string studyName, int trialId, string? workerId, int step, double value, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (double.IsNaN(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value,
                $"Trial {trialId} reported NaN at step {step}: intermediate values must be numbers (a trial that diverged should fail).");
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var studyId = await GetStudyIdAsync(connection, studyName, cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var inserted = await ExecuteAsync(connection, transaction, $"""
            INSERT INTO mlext_trial_values (study_id, trial_id, step, value)
            SELECT @s, @t, @step, @v WHERE EXISTS (
                SELECT 1 FROM mlext_trials WHERE study_id = @s AND trial_id = @t AND state = @running{WorkerFilter(workerId)})
            ON CONFLICT (study_id, trial_id, step) DO NOTHING
            """, cancellationToken, ("@s", studyId), ("@t", trialId), ("@step", step), ("@v", value), ("@w", workerId),
            ("@running", nameof(TrialState.Running))).ConfigureAwait(false);
        if (inserted == 0)
        {
            var (state, worker) = await GetStateAsync(connection, transaction, studyId, studyName, trialId, cancellationToken).ConfigureAwait(false);
            if (state != TrialState.Running || (workerId is not null && worker != workerId))
            {
                throw new TrialClaimLostException(studyName, trialId,
                    $"Trial {trialId} of study '{studyName}' cannot report step {step}: it is {state}" +
                    (workerId is null ? ", not Running." : $" (worker '{worker}'), not Running for worker '{workerId}'."));
            }

            throw new InvalidOperationException(
                $"Trial {trialId} of study '{studyName}' (worker '{worker}') already reported step {step}; steps must not repeat.");
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="TrialClaimLostException">The trial is no longer running for <paramref name="workerId"/>.</exception>
    public async Task HeartbeatAsync(string studyName, int trialId, string workerId, CancellationToken cancellationToken = default)
    {
        CheckWorkerId(workerId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var studyId = await GetStudyIdAsync(connection, studyName, cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var updated = await ExecuteAsync(connection, transaction, $"""
            UPDATE mlext_trials SET heartbeat_ms = {_dialect.NowMilliseconds}
            WHERE study_id = @s AND trial_id = @t AND state = @running AND worker_id = @w
            """, cancellationToken, ("@s", studyId), ("@t", trialId), ("@w", workerId), ("@running", nameof(TrialState.Running)))
            .ConfigureAwait(false);
        if (updated == 0)
        {
            var (state, worker) = await GetStateAsync(connection, transaction, studyId, studyName, trialId, cancellationToken).ConfigureAwait(false);
            throw new TrialClaimLostException(studyName, trialId,
                $"Trial {trialId} of study '{studyName}' is no longer held by worker '{workerId}': it is {state}" +
                (worker is null ? "" : $", held by worker '{worker}'") + " (reclaimed after a stale heartbeat, or ended).");
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is Waiting or Running, or the duration is negative or NaN.</exception>
    /// <exception cref="TrialClaimLostException">The trial is not running (reclaimed or already ended).</exception>
    public Task FinishAsync(string studyName, int trialId, TrialState state, double? metric, double? loss, string? error,
        double durationInMilliseconds, CancellationToken cancellationToken = default) =>
        FinishCoreAsync(studyName, trialId, null, state, metric, loss, error, durationInMilliseconds, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is Waiting or Running, or the duration is negative or NaN.</exception>
    /// <exception cref="TrialClaimLostException">The trial is not running for <paramref name="workerId"/> (reclaimed or already ended).</exception>
    public Task FinishAsync(string studyName, int trialId, string workerId, TrialState state, double? metric, double? loss, string? error,
        double durationInMilliseconds, CancellationToken cancellationToken = default)
    {
        CheckWorkerId(workerId);
        return FinishCoreAsync(studyName, trialId, workerId, state, metric, loss, error, durationInMilliseconds, cancellationToken);
    }

    private async Task FinishCoreAsync(string studyName, int trialId, string? workerId, TrialState state, double? metric, double? loss,
        string? error, double durationInMilliseconds, CancellationToken cancellationToken)
    {
        if (state is TrialState.Waiting or TrialState.Running || !Enum.IsDefined(state))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state,
                "A trial finishes as Complete, Pruned, Failed, Cancelled or TimedOut.");
        }

        if (!(durationInMilliseconds >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(durationInMilliseconds), durationInMilliseconds, "The duration must be a number ≥ 0.");
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var studyId = await GetStudyIdAsync(connection, studyName, cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var updated = await ExecuteAsync(connection, transaction, $"""
            UPDATE mlext_trials
            SET state = @state, metric = @metric, loss = @loss, error = @error, duration_ms = @duration, ended_ms = {_dialect.NowMilliseconds}
            WHERE study_id = @s AND trial_id = @t AND state = @running{WorkerFilter(workerId)}
            """, cancellationToken, ("@s", studyId), ("@t", trialId), ("@w", workerId), ("@state", state.ToString()), ("@metric", NullIfNaN(metric)),
            ("@loss", NullIfNaN(loss)), ("@error", error), ("@duration", durationInMilliseconds), ("@running", nameof(TrialState.Running)))
            .ConfigureAwait(false);
        if (updated == 0)
        {
            var (current, worker) = await GetStateAsync(connection, transaction, studyId, studyName, trialId, cancellationToken).ConfigureAwait(false);
            throw new TrialClaimLostException(studyName, trialId,
                $"Trial {trialId} of study '{studyName}' cannot finish as {state}: it is {current}" +
                (workerId is null ? ", not Running." : $" (worker '{worker}'), not Running for worker '{workerId}'."));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>A reclaimed trial loses its intermediate values (it reruns from the start) and keeps its id and parameter.</remarks>
    public async Task<int> ReclaimStaleAsync(string studyName, TimeSpan staleAfter, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(staleAfter, TimeSpan.Zero);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var studyId = await GetStudyIdAsync(connection, studyName, cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var reclaimed = await QueryAsync(connection, transaction, $"""
            UPDATE mlext_trials SET state = @waiting, worker_id = NULL, started_ms = NULL, heartbeat_ms = NULL
            WHERE study_id = @s AND state = @running AND heartbeat_ms < {_dialect.NowMilliseconds} - @stale
            RETURNING trial_id
            """, r => Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), cancellationToken, ("@s", studyId),
            ("@stale", (long)Math.Ceiling(staleAfter.TotalMilliseconds)), ("@waiting", nameof(TrialState.Waiting)),
            ("@running", nameof(TrialState.Running))).ConfigureAwait(false);

        foreach (var trialId in reclaimed)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM mlext_trial_values WHERE study_id = @s AND trial_id = @t",
                cancellationToken, ("@s", studyId), ("@t", trialId)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return reclaimed.Count;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredTrial>> GetTrialsAsync(string studyName, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var studyId = await GetStudyIdAsync(connection, studyName, cancellationToken).ConfigureAwait(false);
        // One transaction, so the trials and their intermediate values are read from the same snapshot on SQLite.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var trials = await ReadTrialsAsync(connection, transaction, studyId, null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return trials;
    }

    /// <summary>Closes the storage's pooled connections.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the connections (when <paramref name="disposing"/>).</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            _dialect.Dispose();
            _schemaLock.Dispose();
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_schemaReady)
            {
                await EnsureSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task EnsureSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _schemaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await _dialect.PrepareDatabaseAsync(connection, cancellationToken).ConfigureAwait(false);
            await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await _dialect.LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS mlext_schema_version (version INTEGER NOT NULL)",
                cancellationToken).ConfigureAwait(false);
            var stored = await ScalarAsync(connection, transaction, "SELECT MAX(version) FROM mlext_schema_version", cancellationToken)
                .ConfigureAwait(false);
            if (stored is null or DBNull)
            {
                foreach (var statement in SchemaStatements())
                {
                    await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, transaction, "INSERT INTO mlext_schema_version (version) VALUES (@v)", cancellationToken,
                    ("@v", SchemaVersion)).ConfigureAwait(false);
            }
            else
            {
                var version = Convert.ToInt32(stored, CultureInfo.InvariantCulture);
                if (version != SchemaVersion)
                {
                    throw new NotSupportedException(
                        $"{_dialect.Description} has trial-storage schema version {version}; this library reads version {SchemaVersion} " +
                        (version > SchemaVersion ? "(the database was written by a newer MLExtensions.AutoML: upgrade)." : "."));
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    private IEnumerable<string> SchemaStatements()
    {
        var bigint = _dialect.BigIntType;
        var real = _dialect.DoubleType;
        yield return $"""
            CREATE TABLE mlext_studies (
                study_id {_dialect.IdentityPrimaryKey},
                name TEXT NOT NULL UNIQUE,
                is_maximize INTEGER NOT NULL,
                next_trial_id INTEGER NOT NULL,
                created_ms {bigint} NOT NULL)
            """;
        yield return $"""
            CREATE TABLE mlext_trials (
                study_id INTEGER NOT NULL REFERENCES mlext_studies (study_id),
                trial_id INTEGER NOT NULL,
                state TEXT NOT NULL,
                parameter_json TEXT NOT NULL,
                metric {real},
                loss {real},
                worker_id TEXT,
                started_ms {bigint},
                ended_ms {bigint},
                heartbeat_ms {bigint},
                error TEXT,
                duration_ms {real},
                claim_count INTEGER NOT NULL,
                PRIMARY KEY (study_id, trial_id))
            """;
        yield return "CREATE INDEX mlext_trials_by_state ON mlext_trials (study_id, state, trial_id)";
        yield return $"""
            CREATE TABLE mlext_trial_values (
                study_id INTEGER NOT NULL,
                trial_id INTEGER NOT NULL,
                step INTEGER NOT NULL,
                value {real} NOT NULL,
                PRIMARY KEY (study_id, trial_id, step),
                FOREIGN KEY (study_id, trial_id) REFERENCES mlext_trials (study_id, trial_id))
            """;
    }

    private async Task<long> GetStudyIdAsync(DbConnection connection, string studyName, CancellationToken cancellationToken)
    {
        StudyNames.Check(studyName);
        if (_studyIds.TryGetValue(studyName, out var cached))
        {
            return cached;
        }

        var id = await ScalarAsync(connection, null, "SELECT study_id FROM mlext_studies WHERE name = @name", cancellationToken,
            ("@name", studyName)).ConfigureAwait(false);
        if (id is null or DBNull)
        {
            throw new InvalidOperationException(
                $"{_dialect.Description} has no study '{studyName}'; call CreateOrOpenStudyAsync first.");
        }

        var studyId = Convert.ToInt64(id, CultureInfo.InvariantCulture);
        _studyIds[studyName] = studyId;
        return studyId;
    }

    private static async Task<int> AllocateTrialIdAsync(DbConnection connection, DbTransaction transaction, long studyId,
        CancellationToken cancellationToken)
    {
        var next = await ScalarAsync(connection, transaction,
            "UPDATE mlext_studies SET next_trial_id = next_trial_id + 1 WHERE study_id = @s RETURNING next_trial_id - 1",
            cancellationToken, ("@s", studyId)).ConfigureAwait(false);
        return Convert.ToInt32(next, CultureInfo.InvariantCulture);
    }

    private static async Task<(TrialState State, string? Worker)> GetStateAsync(DbConnection connection, DbTransaction transaction,
        long studyId, string studyName, int trialId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(connection, transaction, "SELECT state, worker_id FROM mlext_trials WHERE study_id = @s AND trial_id = @t",
            r => (State: Enum.Parse<TrialState>(r.GetString(0)), Worker: r.IsDBNull(1) ? null : r.GetString(1)), cancellationToken,
            ("@s", studyId), ("@t", trialId)).ConfigureAwait(false);
        return rows.Count == 1
            ? rows[0]
            : throw new ArgumentOutOfRangeException(nameof(trialId), trialId, $"Study '{studyName}' has no trial {trialId}.");
    }

    private static async Task<List<StoredTrial>> ReadTrialsAsync(DbConnection connection, DbTransaction transaction, long studyId,
        int? onlyTrialId, CancellationToken cancellationToken)
    {
        var filter = onlyTrialId is null ? "" : " AND trial_id = @t";
        var parameters = onlyTrialId is null
            ? new (string, object?)[] { ("@s", studyId) }
            : [("@s", studyId), ("@t", onlyTrialId.Value)];

        var values = new Dictionary<int, List<(int Step, double Value)>>();
        var points = await QueryAsync(connection, transaction,
            $"SELECT trial_id, step, value FROM mlext_trial_values WHERE study_id = @s{filter} ORDER BY trial_id, step",
            r => (Id: Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), Step: Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture),
                Value: r.GetDouble(2)), cancellationToken, parameters).ConfigureAwait(false);
        foreach (var (id, step, value) in points)
        {
            if (!values.TryGetValue(id, out var list))
            {
                values[id] = list = [];
            }

            list.Add((step, value));
        }

        return await QueryAsync(connection, transaction, $"""
            SELECT trial_id, state, parameter_json, metric, loss, worker_id, started_ms, ended_ms, heartbeat_ms, error, duration_ms
            FROM mlext_trials WHERE study_id = @s{filter} ORDER BY trial_id
            """, r =>
            {
                var id = Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture);
                return new StoredTrial
                {
                    TrialId = id,
                    State = Enum.Parse<TrialState>(r.GetString(1)),
                    ParameterJson = r.GetString(2),
                    Metric = r.IsDBNull(3) ? null : r.GetDouble(3),
                    Loss = r.IsDBNull(4) ? null : r.GetDouble(4),
                    WorkerId = r.IsDBNull(5) ? null : r.GetString(5),
                    StartedAtUtc = ToUtc(r, 6),
                    EndedAtUtc = ToUtc(r, 7),
                    HeartbeatUtc = ToUtc(r, 8),
                    Error = r.IsDBNull(9) ? null : r.GetString(9),
                    DurationInMilliseconds = r.IsDBNull(10) ? null : r.GetDouble(10),
                    IntermediateValues = values.TryGetValue(id, out var list) ? list : [],
                };
            }, cancellationToken, parameters).ConfigureAwait(false);
    }

    private static DateTime? ToUtc(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal)
        ? null
        : DateTime.UnixEpoch.AddMilliseconds(Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture));

    private static string NormalizeParameter(string json, string paramName)
    {
        ArgumentNullException.ThrowIfNull(json, paramName);
        try
        {
            return Parameter.FromJson(json).ToJson();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The trial parameter is not Parameter JSON: {e.Message}", paramName, e);
        }
    }

    private static void CheckWorkerId(string workerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        if (workerId.Length > 256)
        {
            throw new ArgumentException($"Worker id '{workerId[..32]}…' is {workerId.Length} characters; at most 256 are allowed.", nameof(workerId));
        }
    }

    // Only the SQL text varies, never with a value: the worker id is always a parameter.
    private static string WorkerFilter(string? workerId) => workerId is null ? "" : " AND worker_id = @w";

    private static object? NullIfNaN(double? value) => value is { } v && !double.IsNaN(v) ? v : null;

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<T>> QueryAsync<T>(DbConnection connection, DbTransaction? transaction, string sql,
        Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
