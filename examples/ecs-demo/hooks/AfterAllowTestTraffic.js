// AfterAllowTestTraffic hook of the ECS demo: runs once the test listener (--test-listener) sends its traffic to the
// replacement task set, before any production traffic moves. It takes (event, codedeploy) and reports its own status,
// as a CodeDeploy hook function does on AWS.
module.exports = async function afterAllowTestTraffic(event, codedeploy) {
  // Succeeded: the demo has no test traffic to send; a real hook would call the test listener's port here and report
  // Failed if the replacement answered wrongly.
  await codedeploy.putLifecycleEventHookExecutionStatus({
    deploymentId: event.DeploymentId,
    lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
    status: 'Succeeded',
  });
};
