// AfterAllowTraffic hook of the Lambda demo: runs once all traffic is on version 2. It takes (event, codedeploy)
// and reports its own status, as a CodeDeploy hook function does on AWS.
module.exports = async function afterAllowTraffic(event, codedeploy) {
  // Succeeded: the demo has no traffic to watch; a real hook would check version 2's errors and report Failed if any.
  await codedeploy.putLifecycleEventHookExecutionStatus({
    deploymentId: event.DeploymentId,
    lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
    status: 'Succeeded',
  });
};
