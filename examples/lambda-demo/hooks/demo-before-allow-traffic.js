// BeforeAllowTraffic hook of the Lambda demo: runs before any traffic moves to version 2. It takes (event, codedeploy)
// and reports its own status, as a CodeDeploy hook function does on AWS.
module.exports = async function beforeAllowTraffic(event, codedeploy) {
  // Succeeded: the demo has nothing to check; a real hook would invoke version 2 here and report Failed if it misbehaved.
  await codedeploy.putLifecycleEventHookExecutionStatus({
    deploymentId: event.DeploymentId,
    lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
    status: 'Succeeded',
  });
};
