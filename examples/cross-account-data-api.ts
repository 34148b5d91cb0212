// Seed 001: a Lambda function in account A queries Redshift in account B through the Data API,
// by assuming a role in account B. Both sides in one app, one stack per account, wired so that
// the trust names exactly the consumer role and the GetClusterCredentials ARNs are in account B.
// Synthesize with `npx projen examples` (no AWS credentials needed).
import { App, PhysicalName, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { CrossAccountDataApiRole, DataApiAuth, RedshiftTarget } from '../src';

/** Account A: the Lambda function that runs the queries. */
export class ConsumerStack extends Stack {
  public readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    // A generated physical name lets account B's trust policy name this exact role.
    const role = new iam.Role(this, 'QueryRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      roleName: PhysicalName.GENERATE_IF_NEEDED,
    });
    logGroup.grantWrite(role);
    NagSuppressions.addResourceSuppressions(role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Log streams of this function\'s own log group (its ARN ends in ":*").',
      appliesTo: [{ regex: '/^Resource::<Logs.*Arn>:\\*$/' }],
    }], true);

    this.fn = new lambda.Function(this, 'Query', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      role,
      logGroup,
      code: lambda.Code.fromInline(`
const { STSClient, AssumeRoleCommand } = require('@aws-sdk/client-sts');
const { RedshiftDataClient, ExecuteStatementCommand } = require('@aws-sdk/client-redshift-data');
exports.handler = async () => {
  const env = process.env;
  const { Credentials: c } = await new STSClient({}).send(new AssumeRoleCommand({
    RoleArn: env.DATA_API_ROLE_ARN, RoleSessionName: env.DATA_API_ROLE_SESSION_NAME, ExternalId: env.DATA_API_EXTERNAL_ID,
  }));
  const data = new RedshiftDataClient({ region: env.DATA_API_REGION, credentials: {
    accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
  return data.send(new ExecuteStatementCommand({
    ClusterIdentifier: env.DATA_API_CLUSTER_IDENTIFIER, Database: env.DATA_API_DATABASE, DbUser: env.DATA_API_DB_USER,
    Sql: 'select current_user',
  }));
};`),
    });
  }
}

/** Account B: the warehouse and the role the consumer assumes. */
export class ProducerStack extends Stack {
  public readonly dataApi: CrossAccountDataApiRole;

  constructor(scope: Construct, id: string, props: StackProps & { readonly consumer: iam.IRole }) {
    super(scope, id, props);
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });
    this.dataApi = new CrossAccountDataApiRole(this, 'DataApi', {
      target,
      database: 'dev',
      auth: DataApiAuth.temporaryCredentials('reporting'),
      consumers: [props.consumer],
      externalId: 'reporting-from-account-a',
      roleSessionName: 'reporting',
    });
  }
}

/** Builds the example app; placeholder account ids, nothing is looked up. */
export function buildCrossAccountDataApiApp(app: App): Stack[] {
  const consumer = new ConsumerStack(app, 'DataApiConsumer', { env: { account: '111111111111', region: 'us-east-1' } });
  const producer = new ProducerStack(app, 'DataApiProducer', { env: { account: '222222222222', region: 'us-east-1' }, consumer: consumer.fn.role! });
  // Account A: sts:AssumeRole on exactly the producer role, and the values the function needs.
  producer.dataApi.configureConsumerFunction(consumer.fn);
  return [consumer, producer];
}

if (require.main === module) {
  const app = new App();
  buildCrossAccountDataApiApp(app);
  app.synth();
}
