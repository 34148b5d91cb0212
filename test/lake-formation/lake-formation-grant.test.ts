import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  LakeFormationGrant, LakeFormationGrantProps, LakeFormationIdentityCenter, LakeFormationPermission, LakeFormationPrincipal, LakeFormationResource,
} from '../../src';
import { logicalId, newStack } from '../template-helpers';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const GROUP_ID = '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';
const USER_ID = 'a1b2c3d4-5f60-7182-93a4-b5c6d7e8f901';
const ROLE_ARN = 'arn:aws:iam::111111111111:role/etl';

const { ALL, ALTER, CREATE_TABLE, DESCRIBE, INSERT, SELECT } = LakeFormationPermission;

const identityStoreArn = (kind: 'group' | 'user', id: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:identitystore:::${kind}/${id}`]],
});

/** The single AWS::LakeFormation::PrincipalPermissions of the stack (properties, DependsOn). */
function onlyGrant(stack: Stack): any {
  const grants = Object.values<any>(Template.fromStack(stack).findResources('AWS::LakeFormation::PrincipalPermissions'));
  expect(grants).toHaveLength(1);
  return grants[0];
}

describe('LakeFormationGrant', () => {
  test('grants an IdC group every table of a database, as arn:<partition>:identitystore:::group/<id>', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const grant = new LakeFormationGrant(stack, 'Grant', {
      principal: LakeFormationPrincipal.directoryGroup(GROUP_ID),
      resource: LakeFormationResource.allTables('sales'),
      permissions: [SELECT, DESCRIBE],
    });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 1);
    template.hasResource('AWS::LakeFormation::PrincipalPermissions', {
      Properties: {
        Principal: { DataLakePrincipalIdentifier: identityStoreArn('group', GROUP_ID) },
        Resource: { Table: { CatalogId: '111111111111', DatabaseName: 'sales', TableWildcard: {} } },
        Permissions: ['SELECT', 'DESCRIBE'],
        PermissionsWithGrantOption: [],
      },
      DependsOn: Match.absent(),
    });
    expect(logicalId(stack, grant.resource)).toBe(logicalId(stack, grant));
  });

  test('grants an IdC user one table, with the grantable permissions', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationGrant(stack, 'Grant', {
      principal: LakeFormationPrincipal.directoryUser(USER_ID),
      resource: LakeFormationResource.table('sales', 'orders'),
      permissions: [SELECT, INSERT, DESCRIBE],
      grantablePermissions: [SELECT],
    });

    // THEN
    const grant = onlyGrant(stack);
    expect(grant.Properties).toEqual({
      Principal: { DataLakePrincipalIdentifier: identityStoreArn('user', USER_ID) },
      Resource: { Table: { CatalogId: '111111111111', DatabaseName: 'sales', Name: 'orders' } },
      Permissions: ['SELECT', 'INSERT', 'DESCRIBE'],
      PermissionsWithGrantOption: ['SELECT'],
    });
  });

  test('grants a role of the app a database of another catalog, by role ARN', () => {
    // GIVEN
    const { stack } = newStack();
    const role = new iam.Role(stack, 'Etl', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });

    // WHEN
    new LakeFormationGrant(stack, 'Grant', {
      principal: LakeFormationPrincipal.role(role),
      resource: LakeFormationResource.database('sales', '222222222222'),
      permissions: [CREATE_TABLE, DESCRIBE, ALTER],
    });

    // THEN
    expect(onlyGrant(stack).Properties).toEqual({
      Principal: { DataLakePrincipalIdentifier: { 'Fn::GetAtt': [logicalId(stack, role), 'Arn'] } },
      Resource: { Database: { CatalogId: '222222222222', Name: 'sales' } },
      Permissions: ['CREATE_TABLE', 'DESCRIBE', 'ALTER'],
      PermissionsWithGrantOption: [],
    });
  });

  test('an imported role is named by its literal ARN', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationGrant(stack, 'Grant', {
      principal: LakeFormationPrincipal.role(iam.Role.fromRoleArn(stack, 'Etl', ROLE_ARN)),
      resource: LakeFormationResource.table('sales', 'orders', '222222222222'),
      permissions: [ALL],
      grantablePermissions: [ALL],
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
      Principal: { DataLakePrincipalIdentifier: ROLE_ARN },
      Resource: { Table: { CatalogId: '222222222222', DatabaseName: 'sales', Name: 'orders', TableWildcard: Match.absent() } },
      Permissions: ['ALL'],
      PermissionsWithGrantOption: ['ALL'],
    });
  });

  test('an environment-agnostic stack uses its account as the catalog at deploy time', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Agnostic');

    // WHEN
    new LakeFormationGrant(stack, 'Grant', {
      principal: LakeFormationPrincipal.directoryGroup(GROUP_ID),
      resource: LakeFormationResource.database('sales'),
      permissions: [DESCRIBE],
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
      Resource: { Database: { CatalogId: { Ref: 'AWS::AccountId' }, Name: 'sales' } },
    });
  });

  test('waits for the Lake Formation IAM Identity Center configuration when identityCenter is given', () => {
    // GIVEN
    const { stack } = newStack();
    const identityCenter = new LakeFormationIdentityCenter(stack, 'LakeFormationIdc', { instanceArn: INSTANCE_ARN });

    // WHEN
    new LakeFormationGrant(stack, 'Group', {
      principal: LakeFormationPrincipal.directoryGroup(GROUP_ID),
      resource: LakeFormationResource.allTables('sales'),
      permissions: [SELECT],
      identityCenter,
    });
    new LakeFormationGrant(stack, 'User', {
      principal: LakeFormationPrincipal.directoryUser(USER_ID),
      resource: LakeFormationResource.allTables('sales'),
      permissions: [SELECT],
      identityCenter,
    });

    // THEN
    const grants = Object.values<any>(Template.fromStack(stack).findResources('AWS::LakeFormation::PrincipalPermissions'));
    expect(grants.map((g) => g.DependsOn)).toEqual([[logicalId(stack, identityCenter)], [logicalId(stack, identityCenter)]]);
  });

  test('the same principal may be granted two different tables, and two principals the same table', () => {
    // GIVEN
    const { stack } = newStack();
    const group = LakeFormationPrincipal.directoryGroup(GROUP_ID);

    // WHEN
    new LakeFormationGrant(stack, 'Orders', { principal: group, resource: LakeFormationResource.table('sales', 'orders'), permissions: [SELECT] });
    new LakeFormationGrant(stack, 'Customers', { principal: group, resource: LakeFormationResource.table('sales', 'customers'), permissions: [SELECT] });
    new LakeFormationGrant(stack, 'Everything', { principal: group, resource: LakeFormationResource.allTables('sales'), permissions: [DESCRIBE] });
    new LakeFormationGrant(stack, 'OtherCatalog', {
      principal: group, resource: LakeFormationResource.table('sales', 'orders', '222222222222'), permissions: [SELECT],
    });
    new LakeFormationGrant(stack, 'UserOrders', {
      principal: LakeFormationPrincipal.directoryUser(USER_ID), resource: LakeFormationResource.table('sales', 'orders'), permissions: [SELECT],
    });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 5);
  });

  test('the same principal and resource may be granted in two different apps', () => {
    // GIVEN
    const props: LakeFormationGrantProps = {
      principal: LakeFormationPrincipal.directoryGroup(GROUP_ID),
      resource: LakeFormationResource.allTables('sales'),
      permissions: [SELECT],
    };

    // WHEN
    const first = newStack();
    const second = newStack();
    new LakeFormationGrant(first.stack, 'Grant', props);
    new LakeFormationGrant(second.stack, 'Grant', props);

    // THEN
    Template.fromStack(first.stack).resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 1);
    Template.fromStack(second.stack).resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 1);
  });

  // The database and its tables are different Lake Formation resources: deleting the database grant
  // does not revoke the table permissions. The usual pattern, DESCRIBE on the database and SELECT on
  // every table, is rejected because the claim key leaves out the resource kind.
  test('the same principal may be granted a database and every table of it', () => {
    // GIVEN
    const { stack } = newStack();
    const group = LakeFormationPrincipal.directoryGroup(GROUP_ID);

    // WHEN
    new LakeFormationGrant(stack, 'Database', { principal: group, resource: LakeFormationResource.database('sales'), permissions: [DESCRIBE] });
    new LakeFormationGrant(stack, 'Tables', { principal: group, resource: LakeFormationResource.allTables('sales'), permissions: [SELECT] });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 2);
  });

  describe('synth-time errors', () => {
    const group = () => LakeFormationPrincipal.directoryGroup(GROUP_ID);
    const cases: Array<[string, () => LakeFormationGrantProps, RegExp]> = [
      ['no permissions', () => ({ principal: group(), resource: LakeFormationResource.allTables('sales'), permissions: [] }),
        /\[S\/Grant\] permissions: \[\] is not valid\. Give at least one permission\./],
      ['a duplicated permission', () => ({ principal: group(), resource: LakeFormationResource.allTables('sales'), permissions: [SELECT, DESCRIBE, SELECT] }),
        /\[S\/Grant\] permissions: \["SELECT", "DESCRIBE", "SELECT"\] is not valid\. Give each permission once\./],
      ['SELECT on a database', () => ({ principal: group(), resource: LakeFormationResource.database('sales'), permissions: [DESCRIBE, SELECT] }),
        /\[S\/Grant\] permissions: "SELECT" is not valid\. Lake Formation grants ALL, DESCRIBE, ALTER, DROP, CREATE_TABLE on a database: SELECT is a table permission \(use LakeFormationResource\.allTables\)\./],
      ['INSERT on a database', () => ({ principal: group(), resource: LakeFormationResource.database('sales'), permissions: [INSERT] }),
        /\[S\/Grant\] permissions: "INSERT" is not valid\. Lake Formation grants .* on a database: INSERT is a table permission/],
      ['CREATE_TABLE on every table', () => ({ principal: group(), resource: LakeFormationResource.allTables('sales'), permissions: [CREATE_TABLE] }),
        /\[S\/Grant\] permissions: "CREATE_TABLE" is not valid\. Lake Formation grants ALL, DESCRIBE, SELECT, INSERT, DELETE, ALTER, DROP on tables: CREATE_TABLE is a database permission \(use LakeFormationResource\.database\)\./],
      ['CREATE_TABLE on one table', () => ({ principal: group(), resource: LakeFormationResource.table('sales', 'orders'), permissions: [CREATE_TABLE] }),
        /\[S\/Grant\] permissions: "CREATE_TABLE" is not valid\. .* on tables: CREATE_TABLE is a database permission/],
      ['a grantable permission that is not granted', () => ({
        principal: group(), resource: LakeFormationResource.allTables('sales'), permissions: [DESCRIBE], grantablePermissions: [DESCRIBE, SELECT],
      }), /\[S\/Grant\] grantablePermissions: "SELECT" is not valid\. Grantable permissions must also be in permissions\./],
      ['a database name with upper case', () => ({ principal: group(), resource: LakeFormationResource.database('Sales'), permissions: [DESCRIBE] }),
        /\[S\/Grant\] resource\.databaseName: "Sales" is not valid\. Give the catalog name as Glue stores it: lower-case letters, digits and "_" \(Glue lower-cases names; a hyphen needs quoting in every query\)\./],
      ['a database name with a hyphen', () => ({ principal: group(), resource: LakeFormationResource.allTables('sales-eu'), permissions: [SELECT] }),
        /\[S\/Grant\] resource\.databaseName: "sales-eu" is not valid\. Give the catalog name as Glue stores it/],
      ['a table name with a hyphen', () => ({ principal: group(), resource: LakeFormationResource.table('sales', 'orders-2026'), permissions: [SELECT] }),
        /\[S\/Grant\] resource\.tableName: "orders-2026" is not valid\. Give the catalog name as Glue stores it/],
      ['a catalogId that is not an account id', () => ({ principal: group(), resource: LakeFormationResource.database('sales', 'main'), permissions: [DESCRIBE] }),
        /\[S\/Grant\] resource\.catalogId: "main" is not valid\. Give the 12-digit account id of the catalog\./],
    ];
    test.each(cases)('fails when given %s', (_name, props, error) => {
      // GIVEN
      const { stack } = newStack();

      // WHEN / THEN
      expect(() => new LakeFormationGrant(stack, 'Grant', props())).toThrow(error);
    });

    test('fails when a directory id is a display name', () => {
      expect(() => LakeFormationPrincipal.directoryGroup('analysts'))
        .toThrow(/\[LakeFormationPrincipal\.directoryGroup\] groupId: "analysts" is not valid\. Give the identity store id \(a UUID, optionally prefixed by 10 hex digits and "-"\), not the display name\./);
      expect(() => LakeFormationPrincipal.directoryUser('jane.doe'))
        .toThrow(/\[LakeFormationPrincipal\.directoryUser\] userId: "jane\.doe" is not valid\. Give the identity store id/);
    });

    test('fails when identityCenter is given for a role principal, and claims nothing', () => {
      // GIVEN
      const { stack } = newStack();
      const identityCenter = new LakeFormationIdentityCenter(stack, 'LakeFormationIdc', { instanceArn: INSTANCE_ARN });

      // WHEN / THEN
      expect(() => new LakeFormationGrant(stack, 'Grant', {
        principal: LakeFormationPrincipal.role(iam.Role.fromRoleArn(stack, 'Etl', ROLE_ARN)),
        resource: LakeFormationResource.allTables('sales'),
        permissions: [SELECT],
        identityCenter,
      })).toThrow(/\[S\/Grant\] identityCenter: "set" is not valid\. Give identityCenter only for grants to LakeFormationPrincipal\.directoryGroup or directoryUser\./);
      // The failed grant claimed nothing: the corrected one is accepted.
      new LakeFormationGrant(stack, 'Fixed', {
        principal: LakeFormationPrincipal.role(iam.Role.fromRoleArn(stack, 'EtlAgain', ROLE_ARN)),
        resource: LakeFormationResource.allTables('sales'),
        permissions: [SELECT],
      });
      Template.fromStack(stack).resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 1);
    });

    test('fails when a role of the app (an unresolved ARN) is granted the same resource twice', () => {
      // GIVEN
      const { stack } = newStack();
      const role = new iam.Role(stack, 'Etl', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
      const grant = (id: string) => new LakeFormationGrant(stack, id, {
        principal: LakeFormationPrincipal.role(role), resource: LakeFormationResource.table('sales', 'orders'), permissions: [SELECT],
      });
      grant('First');

      // WHEN / THEN
      expect(() => grant('Second')).toThrow(/\[S\/Second\] principal: \(unresolved token\) is not valid\. S\/First already grants this principal/);
    });

    test('fails when the same principal and resource are granted twice in one app, naming the first grant', () => {
      // GIVEN
      const { app, stack } = newStack();
      const other = new Stack(app, 'Other', { env: { account: '111111111111', region: 'us-east-1' } });
      new LakeFormationGrant(stack, 'First', {
        principal: LakeFormationPrincipal.directoryGroup(GROUP_ID), resource: LakeFormationResource.allTables('sales'), permissions: [SELECT],
      });
      new LakeFormationGrant(stack, 'Orders', {
        principal: LakeFormationPrincipal.role(iam.Role.fromRoleArn(stack, 'Etl', ROLE_ARN)),
        resource: LakeFormationResource.table('sales', 'orders'),
        permissions: [SELECT],
      });

      // WHEN / THEN
      expect(() => new LakeFormationGrant(stack, 'Second', {
        principal: LakeFormationPrincipal.directoryGroup(GROUP_ID), resource: LakeFormationResource.allTables('sales'), permissions: [DESCRIBE],
      })).toThrow(/\[S\/Second\] principal: "90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901" is not valid\. S\/First already grants this principal permissions on sales\.\*: deleting either grant revokes everything the principal holds there\. Put all the permissions in one LakeFormationGrant\./);
      // Another stack of the same app deploys to the same catalog: same conflict.
      expect(() => new LakeFormationGrant(other, 'Again', {
        principal: LakeFormationPrincipal.directoryGroup(GROUP_ID), resource: LakeFormationResource.allTables('sales'), permissions: [SELECT],
      })).toThrow(/\[Other\/Again\] principal: .* S\/First already grants this principal permissions on sales\.\*/);
      // An imported role is known by its ARN, so its duplicate is caught too.
      expect(() => new LakeFormationGrant(stack, 'OrdersAgain', {
        principal: LakeFormationPrincipal.role(iam.Role.fromRoleArn(stack, 'EtlAgain', ROLE_ARN)),
        resource: LakeFormationResource.table('sales', 'orders'),
        permissions: [INSERT],
      })).toThrow(/\[S\/OrdersAgain\] principal: "arn:aws:iam::111111111111:role\/etl" is not valid\. S\/Orders already grants this principal permissions on sales\.orders:/);
    });
  });
});
