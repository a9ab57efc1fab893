// Original file: proto/bfs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FetchStateReply as _bfs_FetchStateReply, FetchStateReply__Output as _bfs_FetchStateReply__Output } from '../bfs/FetchStateReply.js';
import type { FetchStateRequest as _bfs_FetchStateRequest, FetchStateRequest__Output as _bfs_FetchStateRequest__Output } from '../bfs/FetchStateRequest.js';

export interface StateTransferClient extends grpc.Client {
  Fetch(argument: _bfs_FetchStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_bfs_FetchStateReply__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _bfs_FetchStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_bfs_FetchStateReply__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _bfs_FetchStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_bfs_FetchStateReply__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _bfs_FetchStateRequest, callback: grpc.requestCallback<_bfs_FetchStateReply__Output>): grpc.ClientUnaryCall;
  fetch(argument: _bfs_FetchStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_bfs_FetchStateReply__Output>): grpc.ClientUnaryCall;
  fetch(argument: _bfs_FetchStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_bfs_FetchStateReply__Output>): grpc.ClientUnaryCall;
  fetch(argument: _bfs_FetchStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_bfs_FetchStateReply__Output>): grpc.ClientUnaryCall;
  fetch(argument: _bfs_FetchStateRequest, callback: grpc.requestCallback<_bfs_FetchStateReply__Output>): grpc.ClientUnaryCall;
  
}

export interface StateTransferHandlers extends grpc.UntypedServiceImplementation {
  Fetch: grpc.handleUnaryCall<_bfs_FetchStateRequest__Output, _bfs_FetchStateReply>;
  
}

export interface StateTransferDefinition extends grpc.ServiceDefinition {
  Fetch: MethodDefinition<_bfs_FetchStateRequest, _bfs_FetchStateReply, _bfs_FetchStateRequest__Output, _bfs_FetchStateReply__Output>
}
