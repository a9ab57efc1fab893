import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AccessArgs as _bfs_AccessArgs, AccessArgs__Output as _bfs_AccessArgs__Output } from './bfs/AccessArgs.js';
import type { AccessRes as _bfs_AccessRes, AccessRes__Output as _bfs_AccessRes__Output } from './bfs/AccessRes.js';
import type { Attr as _bfs_Attr, Attr__Output as _bfs_Attr__Output } from './bfs/Attr.js';
import type { AttrRes as _bfs_AttrRes, AttrRes__Output as _bfs_AttrRes__Output } from './bfs/AttrRes.js';
import type { AuthReply as _bfs_AuthReply, AuthReply__Output as _bfs_AuthReply__Output } from './bfs/AuthReply.js';
import type { AuthRequest as _bfs_AuthRequest, AuthRequest__Output as _bfs_AuthRequest__Output } from './bfs/AuthRequest.js';
import type { Bundle as _bfs_Bundle, Bundle__Output as _bfs_Bundle__Output } from './bfs/Bundle.js';
import type { Checkpoint as _bfs_Checkpoint, Checkpoint__Output as _bfs_Checkpoint__Output } from './bfs/Checkpoint.js';
import type { Commit as _bfs_Commit, Commit__Output as _bfs_Commit__Output } from './bfs/Commit.js';
import type { CreateArgs as _bfs_CreateArgs, CreateArgs__Output as _bfs_CreateArgs__Output } from './bfs/CreateArgs.js';
import type { CreateRes as _bfs_CreateRes, CreateRes__Output as _bfs_CreateRes__Output } from './bfs/CreateRes.js';
import type { Credentials as _bfs_Credentials, Credentials__Output as _bfs_Credentials__Output } from './bfs/Credentials.js';
import type { DirEntry as _bfs_DirEntry, DirEntry__Output as _bfs_DirEntry__Output } from './bfs/DirEntry.js';
import type { Envelope as _bfs_Envelope, Envelope__Output as _bfs_Envelope__Output } from './bfs/Envelope.js';
import type { FetchStateReply as _bfs_FetchStateReply, FetchStateReply__Output as _bfs_FetchStateReply__Output } from './bfs/FetchStateReply.js';
import type { FetchStateRequest as _bfs_FetchStateRequest, FetchStateRequest__Output as _bfs_FetchStateRequest__Output } from './bfs/FetchStateRequest.js';
import type { FsRequest as _bfs_FsRequest, FsRequest__Output as _bfs_FsRequest__Output } from './bfs/FsRequest.js';
import type { FsResult as _bfs_FsResult, FsResult__Output as _bfs_FsResult__Output } from './bfs/FsResult.js';
import type { GetAttrArgs as _bfs_GetAttrArgs, GetAttrArgs__Output as _bfs_GetAttrArgs__Output } from './bfs/GetAttrArgs.js';
import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from './bfs/Handle.js';
import type { Hello as _bfs_Hello, Hello__Output as _bfs_Hello__Output } from './bfs/Hello.js';
import type { HelloBody as _bfs_HelloBody, HelloBody__Output as _bfs_HelloBody__Output } from './bfs/HelloBody.js';
import type { Lagging as _bfs_Lagging, Lagging__Output as _bfs_Lagging__Output } from './bfs/Lagging.js';
import type { LinkArgs as _bfs_LinkArgs, LinkArgs__Output as _bfs_LinkArgs__Output } from './bfs/LinkArgs.js';
import type { LookupArgs as _bfs_LookupArgs, LookupArgs__Output as _bfs_LookupArgs__Output } from './bfs/LookupArgs.js';
import type { LookupRes as _bfs_LookupRes, LookupRes__Output as _bfs_LookupRes__Output } from './bfs/LookupRes.js';
import type { MkdirArgs as _bfs_MkdirArgs, MkdirArgs__Output as _bfs_MkdirArgs__Output } from './bfs/MkdirArgs.js';
import type { NewView as _bfs_NewView, NewView__Output as _bfs_NewView__Output } from './bfs/NewView.js';
import type { PartitionChunk as _bfs_PartitionChunk, PartitionChunk__Output as _bfs_PartitionChunk__Output } from './bfs/PartitionChunk.js';
import type { PartitionDigest as _bfs_PartitionDigest, PartitionDigest__Output as _bfs_PartitionDigest__Output } from './bfs/PartitionDigest.js';
import type { PrePrepare as _bfs_PrePrepare, PrePrepare__Output as _bfs_PrePrepare__Output } from './bfs/PrePrepare.js';
import type { PrePreparedClaim as _bfs_PrePreparedClaim, PrePreparedClaim__Output as _bfs_PrePreparedClaim__Output } from './bfs/PrePreparedClaim.js';
import type { Prepare as _bfs_Prepare, Prepare__Output as _bfs_Prepare__Output } from './bfs/Prepare.js';
import type { ProtocolMessage as _bfs_ProtocolMessage, ProtocolMessage__Output as _bfs_ProtocolMessage__Output } from './bfs/ProtocolMessage.js';
import type { ReadArgs as _bfs_ReadArgs, ReadArgs__Output as _bfs_ReadArgs__Output } from './bfs/ReadArgs.js';
import type { ReadDirArgs as _bfs_ReadDirArgs, ReadDirArgs__Output as _bfs_ReadDirArgs__Output } from './bfs/ReadDirArgs.js';
import type { ReadDirRes as _bfs_ReadDirRes, ReadDirRes__Output as _bfs_ReadDirRes__Output } from './bfs/ReadDirRes.js';
import type { ReadLinkArgs as _bfs_ReadLinkArgs, ReadLinkArgs__Output as _bfs_ReadLinkArgs__Output } from './bfs/ReadLinkArgs.js';
import type { ReadLinkRes as _bfs_ReadLinkRes, ReadLinkRes__Output as _bfs_ReadLinkRes__Output } from './bfs/ReadLinkRes.js';
import type { ReadRes as _bfs_ReadRes, ReadRes__Output as _bfs_ReadRes__Output } from './bfs/ReadRes.js';
import type { RemoveArgs as _bfs_RemoveArgs, RemoveArgs__Output as _bfs_RemoveArgs__Output } from './bfs/RemoveArgs.js';
import type { RemoveRes as _bfs_RemoveRes, RemoveRes__Output as _bfs_RemoveRes__Output } from './bfs/RemoveRes.js';
import type { RenameArgs as _bfs_RenameArgs, RenameArgs__Output as _bfs_RenameArgs__Output } from './bfs/RenameArgs.js';
import type { RenameRes as _bfs_RenameRes, RenameRes__Output as _bfs_RenameRes__Output } from './bfs/RenameRes.js';
import type { ReplicaClient as _bfs_ReplicaClient, ReplicaDefinition as _bfs_ReplicaDefinition } from './bfs/Replica.js';
import type { Reply as _bfs_Reply, Reply__Output as _bfs_Reply__Output } from './bfs/Reply.js';
import type { Request as _bfs_Request, Request__Output as _bfs_Request__Output } from './bfs/Request.js';
import type { RmdirArgs as _bfs_RmdirArgs, RmdirArgs__Output as _bfs_RmdirArgs__Output } from './bfs/RmdirArgs.js';
import type { SetAttrArgs as _bfs_SetAttrArgs, SetAttrArgs__Output as _bfs_SetAttrArgs__Output } from './bfs/SetAttrArgs.js';
import type { Signed as _bfs_Signed, Signed__Output as _bfs_Signed__Output } from './bfs/Signed.js';
import type { StatFsArgs as _bfs_StatFsArgs, StatFsArgs__Output as _bfs_StatFsArgs__Output } from './bfs/StatFsArgs.js';
import type { StatFsRes as _bfs_StatFsRes, StatFsRes__Output as _bfs_StatFsRes__Output } from './bfs/StatFsRes.js';
import type { StateTransferClient as _bfs_StateTransferClient, StateTransferDefinition as _bfs_StateTransferDefinition } from './bfs/StateTransfer.js';
import type { StatusReply as _bfs_StatusReply, StatusReply__Output as _bfs_StatusReply__Output } from './bfs/StatusReply.js';
import type { StatusRequest as _bfs_StatusRequest, StatusRequest__Output as _bfs_StatusRequest__Output } from './bfs/StatusRequest.js';
import type { SymlinkArgs as _bfs_SymlinkArgs, SymlinkArgs__Output as _bfs_SymlinkArgs__Output } from './bfs/SymlinkArgs.js';
import type { Timespec as _bfs_Timespec, Timespec__Output as _bfs_Timespec__Output } from './bfs/Timespec.js';
import type { ViewChange as _bfs_ViewChange, ViewChange__Output as _bfs_ViewChange__Output } from './bfs/ViewChange.js';
import type { WriteArgs as _bfs_WriteArgs, WriteArgs__Output as _bfs_WriteArgs__Output } from './bfs/WriteArgs.js';
import type { WriteRes as _bfs_WriteRes, WriteRes__Output as _bfs_WriteRes__Output } from './bfs/WriteRes.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  bfs: {
    AccessArgs: MessageTypeDefinition<_bfs_AccessArgs, _bfs_AccessArgs__Output>
    AccessRes: MessageTypeDefinition<_bfs_AccessRes, _bfs_AccessRes__Output>
    Attr: MessageTypeDefinition<_bfs_Attr, _bfs_Attr__Output>
    AttrRes: MessageTypeDefinition<_bfs_AttrRes, _bfs_AttrRes__Output>
    AuthReply: MessageTypeDefinition<_bfs_AuthReply, _bfs_AuthReply__Output>
    AuthRequest: MessageTypeDefinition<_bfs_AuthRequest, _bfs_AuthRequest__Output>
    Bundle: MessageTypeDefinition<_bfs_Bundle, _bfs_Bundle__Output>
    Checkpoint: MessageTypeDefinition<_bfs_Checkpoint, _bfs_Checkpoint__Output>
    Commit: MessageTypeDefinition<_bfs_Commit, _bfs_Commit__Output>
    CreateArgs: MessageTypeDefinition<_bfs_CreateArgs, _bfs_CreateArgs__Output>
    CreateRes: MessageTypeDefinition<_bfs_CreateRes, _bfs_CreateRes__Output>
    Credentials: MessageTypeDefinition<_bfs_Credentials, _bfs_Credentials__Output>
    DirEntry: MessageTypeDefinition<_bfs_DirEntry, _bfs_DirEntry__Output>
    Envelope: MessageTypeDefinition<_bfs_Envelope, _bfs_Envelope__Output>
    FetchStateReply: MessageTypeDefinition<_bfs_FetchStateReply, _bfs_FetchStateReply__Output>
    FetchStateRequest: MessageTypeDefinition<_bfs_FetchStateRequest, _bfs_FetchStateRequest__Output>
    FileType: EnumTypeDefinition
    FsRequest: MessageTypeDefinition<_bfs_FsRequest, _bfs_FsRequest__Output>
    FsResult: MessageTypeDefinition<_bfs_FsResult, _bfs_FsResult__Output>
    GetAttrArgs: MessageTypeDefinition<_bfs_GetAttrArgs, _bfs_GetAttrArgs__Output>
    Handle: MessageTypeDefinition<_bfs_Handle, _bfs_Handle__Output>
    Hello: MessageTypeDefinition<_bfs_Hello, _bfs_Hello__Output>
    HelloBody: MessageTypeDefinition<_bfs_HelloBody, _bfs_HelloBody__Output>
    Lagging: MessageTypeDefinition<_bfs_Lagging, _bfs_Lagging__Output>
    LinkArgs: MessageTypeDefinition<_bfs_LinkArgs, _bfs_LinkArgs__Output>
    LookupArgs: MessageTypeDefinition<_bfs_LookupArgs, _bfs_LookupArgs__Output>
    LookupRes: MessageTypeDefinition<_bfs_LookupRes, _bfs_LookupRes__Output>
    MkdirArgs: MessageTypeDefinition<_bfs_MkdirArgs, _bfs_MkdirArgs__Output>
    NewView: MessageTypeDefinition<_bfs_NewView, _bfs_NewView__Output>
    PartitionChunk: MessageTypeDefinition<_bfs_PartitionChunk, _bfs_PartitionChunk__Output>
    PartitionDigest: MessageTypeDefinition<_bfs_PartitionDigest, _bfs_PartitionDigest__Output>
    PrePrepare: MessageTypeDefinition<_bfs_PrePrepare, _bfs_PrePrepare__Output>
    PrePreparedClaim: MessageTypeDefinition<_bfs_PrePreparedClaim, _bfs_PrePreparedClaim__Output>
    Prepare: MessageTypeDefinition<_bfs_Prepare, _bfs_Prepare__Output>
    ProtocolMessage: MessageTypeDefinition<_bfs_ProtocolMessage, _bfs_ProtocolMessage__Output>
    ReadArgs: MessageTypeDefinition<_bfs_ReadArgs, _bfs_ReadArgs__Output>
    ReadDirArgs: MessageTypeDefinition<_bfs_ReadDirArgs, _bfs_ReadDirArgs__Output>
    ReadDirRes: MessageTypeDefinition<_bfs_ReadDirRes, _bfs_ReadDirRes__Output>
    ReadLinkArgs: MessageTypeDefinition<_bfs_ReadLinkArgs, _bfs_ReadLinkArgs__Output>
    ReadLinkRes: MessageTypeDefinition<_bfs_ReadLinkRes, _bfs_ReadLinkRes__Output>
    ReadRes: MessageTypeDefinition<_bfs_ReadRes, _bfs_ReadRes__Output>
    RemoveArgs: MessageTypeDefinition<_bfs_RemoveArgs, _bfs_RemoveArgs__Output>
    RemoveRes: MessageTypeDefinition<_bfs_RemoveRes, _bfs_RemoveRes__Output>
    RenameArgs: MessageTypeDefinition<_bfs_RenameArgs, _bfs_RenameArgs__Output>
    RenameRes: MessageTypeDefinition<_bfs_RenameRes, _bfs_RenameRes__Output>
    Replica: SubtypeConstructor<typeof grpc.Client, _bfs_ReplicaClient> & { service: _bfs_ReplicaDefinition }
    Reply: MessageTypeDefinition<_bfs_Reply, _bfs_Reply__Output>
    Request: MessageTypeDefinition<_bfs_Request, _bfs_Request__Output>
    RmdirArgs: MessageTypeDefinition<_bfs_RmdirArgs, _bfs_RmdirArgs__Output>
    SetAttrArgs: MessageTypeDefinition<_bfs_SetAttrArgs, _bfs_SetAttrArgs__Output>
    Signed: MessageTypeDefinition<_bfs_Signed, _bfs_Signed__Output>
    StatFsArgs: MessageTypeDefinition<_bfs_StatFsArgs, _bfs_StatFsArgs__Output>
    StatFsRes: MessageTypeDefinition<_bfs_StatFsRes, _bfs_StatFsRes__Output>
    StateTransfer: SubtypeConstructor<typeof grpc.Client, _bfs_StateTransferClient> & { service: _bfs_StateTransferDefinition }
    StatusReply: MessageTypeDefinition<_bfs_StatusReply, _bfs_StatusReply__Output>
    StatusRequest: MessageTypeDefinition<_bfs_StatusRequest, _bfs_StatusRequest__Output>
    SymlinkArgs: MessageTypeDefinition<_bfs_SymlinkArgs, _bfs_SymlinkArgs__Output>
    Timespec: MessageTypeDefinition<_bfs_Timespec, _bfs_Timespec__Output>
    ViewChange: MessageTypeDefinition<_bfs_ViewChange, _bfs_ViewChange__Output>
    WriteArgs: MessageTypeDefinition<_bfs_WriteArgs, _bfs_WriteArgs__Output>
    WriteRes: MessageTypeDefinition<_bfs_WriteRes, _bfs_WriteRes__Output>
  }
}

