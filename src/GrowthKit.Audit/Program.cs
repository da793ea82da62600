using GrowthKit.Audit;

return AuditTool.Run(args, Console.Out, Console.Error);
