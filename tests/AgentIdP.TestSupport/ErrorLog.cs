using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AgentIdP.TestSupport;

/// <summary>
/// Keeps the API's error-level log lines (with their exceptions) in memory, so a test that sees a 500 can print
/// what the server saw instead of "An unexpected error occurred".
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        // The Redis client logs every dropped connection at error level; outage tests cause those on purpose.
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error && !category.StartsWith("StackExchange.Redis", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && lines.Count < 200) lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
