export * from './core/redshift-target';
export * from './core/service-trust';
export * from './core/redshift-role-association';
export * from './core/sql';
export * from './copy-unload/redshift-data-access-role';
export * from './copy-unload/copy-unload-sql';
