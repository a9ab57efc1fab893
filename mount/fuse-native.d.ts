// fuse-native ships no types; mount/fuse-types.ts describes what we use.
declare module 'fuse-native';
