// Original file: proto/bfs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Envelope as _bfs_Envelope, Envelope__Output as _bfs_Envelope__Output } from '../bfs/Envelope.js';
import type { StatusReply as _bfs_StatusReply, StatusReply__Output as _bfs_StatusReply__Output } from '../bfs/StatusReply.js';
import type { StatusRequest as _bfs_StatusRequest, StatusRequest__Output as _bfs_StatusRequest__Output } from '../bfs/StatusRequest.js';

export interface ReplicaClient extends grpc.Client {
  Status(argument: _bfs_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_bfs_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _bfs_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_bfs_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _bfs_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_bfs_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _bfs_StatusRequest, callback: grpc.requestCallback<_bfs_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _bfs_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_bfs_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _bfs_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_bfs_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _bfs_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_bfs_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _bfs_StatusRequest, callback: grpc.requestCallback<_bfs_StatusReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * One long-lived bidirectional stream per replica pair and per client session.
   */
  Stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_bfs_Envelope, _bfs_Envelope__Output>;
  Stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_bfs_Envelope, _bfs_Envelope__Output>;
  /**
   * One long-lived bidirectional stream per replica pair and per client session.
   */
  stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_bfs_Envelope, _bfs_Envelope__Output>;
  stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_bfs_Envelope, _bfs_Envelope__Output>;
  
}

export interface ReplicaHandlers extends grpc.UntypedServiceImplementation {
  Status: grpc.handleUnaryCall<_bfs_StatusRequest__Output, _bfs_StatusReply>;
  
  /**
   * One long-lived bidirectional stream per replica pair and per client session.
   */
  Stream: grpc.handleBidiStreamingCall<_bfs_Envelope__Output, _bfs_Envelope>;
  
}

export interface ReplicaDefinition extends grpc.ServiceDefinition {
  Status: MethodDefinition<_bfs_StatusRequest, _bfs_StatusReply, _bfs_StatusRequest__Output, _bfs_StatusReply__Output>
  Stream: MethodDefinition<_bfs_Envelope, _bfs_Envelope, _bfs_Envelope__Output, _bfs_Envelope__Output>
}
