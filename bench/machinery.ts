// Measure 2: the deploy machinery (Lambda functions, Step Functions state machines, custom
// resources) in a stack that runs N pieces of deploy-time SQL, with this library's RedshiftSql and
// with @aws-cdk/aws-redshift-alpha's User / Table doing the equivalent SQL on a provisioned cluster.
import * as redshift from '@aws-cdk/aws-redshift-alpha';
import { Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DataApiAuth, RedshiftSql, RedshiftTarget, Sql } from '../src';
import { markdownTable, resourceTypes, synthesizedTemplate, templateBytes } from './report';

export const MACHINERY_NS = [1, 10, 50];
const ENV = { account: '111111111111', region: 'us-east-1' };
const ADMIN_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:analytics-admin-AbCdEf';

export type SqlLibrary = 'cdk-analytics-access' | 'aws-redshift-alpha';

export interface MachineryRow {
  readonly library: SqlLibrary;
  readonly n: number;
  readonly lambdaFunctions: number;
  readonly stateMachines: number;
  readonly customResources: number;
  readonly resources: number;
  readonly templateBytes: number;
}

/**
 * N deploy-time SQL resources on one provisioned cluster, signed in with its admin secret: the
 * even ones create a user, the odd ones a table (what the alpha module's User and Table do).
 */
export function sqlStack(library: SqlLibrary, n: number): (app: import('aws-cdk-lib').App) => Stack {
  return (app) => {
    const stack = new Stack(app, 'Sql', { env: ENV });
    const admin = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', ADMIN_SECRET_ARN);
    if (library === 'cdk-analytics-access') {
      const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });
      for (let i = 0; i < n; i++) {
        const [statement, cleanup] = i % 2 === 0
          ? [`CREATE USER ${Sql.identifier(`user${i}`)} PASSWORD DISABLE`, `DROP USER ${Sql.identifier(`user${i}`)}`]
          : [`CREATE TABLE ${Sql.identifier(`table${i}`)} (id BIGINT, name VARCHAR(256))`, `DROP TABLE ${Sql.identifier(`table${i}`)}`];
        new RedshiftSql(stack, `Sql${i}`, {
          target,
          auth: DataApiAuth.secret(admin),
          statements: [statement],
          cleanupStatements: [cleanup],
        });
      }
    } else {
      const cluster = redshift.Cluster.fromClusterAttributes(stack, 'Cluster', {
        clusterName: 'analytics',
        clusterEndpointAddress: 'analytics.abc123xyz789.us-east-1.redshift.amazonaws.com',
        clusterEndpointPort: 5439,
      });
      for (let i = 0; i < n; i++) {
        const options = { cluster, databaseName: 'dev', adminUser: admin };
        if (i % 2 === 0) {
          new redshift.User(stack, `Sql${i}`, { ...options, username: `user${i}` });
        } else {
          new redshift.Table(stack, `Sql${i}`, {
            ...options,
            tableName: `table${i}`,
            tableColumns: [{ name: 'id', dataType: 'BIGINT' }, { name: 'name', dataType: 'VARCHAR(256)' }],
          });
        }
      }
    }
    return stack;
  };
}

export function measureMachinery(ns: number[] = MACHINERY_NS): MachineryRow[] {
  const libraries: SqlLibrary[] = ['cdk-analytics-access', 'aws-redshift-alpha'];
  return libraries.flatMap((library) => ns.map((n) => {
    const template = synthesizedTemplate(sqlStack(library, n));
    const types = resourceTypes(template);
    const customResources = Object.entries(types)
      .filter(([type]) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource')
      .reduce((sum, [, count]) => sum + count, 0);
    return {
      library,
      n,
      lambdaFunctions: types['AWS::Lambda::Function'] ?? 0,
      stateMachines: types['AWS::StepFunctions::StateMachine'] ?? 0,
      customResources,
      resources: Object.values(types).reduce((a, b) => a + b, 0),
      templateBytes: templateBytes(template),
    };
  }));
}

export function machineryTable(rows: MachineryRow[]): string {
  return markdownTable(
    ['library', 'N SQL resources', 'Lambda functions', 'state machines', 'custom resources', 'all resources', 'template bytes'],
    rows.map((r) => [r.library, r.n, r.lambdaFunctions, r.stateMachines, r.customResources, r.resources, r.templateBytes]),
  );
}
