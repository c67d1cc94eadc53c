using System.CommandLine;
using RapidTriage.LoadGen.Commands;

var root = new RootCommand("RapidTriage load generator: real WebSockets against the relay and the baseline, on loopback only.")
{
    SuiteCommand.Create(),
    ReportCommand.Create(),
    ToolCommands.FreePorts(),
    ToolCommands.WaitReady(),
    ProfileCommand.Create(),
    TraceStacksCommand.Create(),
    CpuStacksCommand.Create(),
    HeapDiffCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
