using AgentIdP.InteropKit.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
try
{
    return await KitCommand.RunAsync(args, Console.Out, Console.Error, ct: cancel.Token);
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("error: cancelled.");
    return 130;
}
