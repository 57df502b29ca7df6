<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- defacto: QGIS loads this style with the layer of the same name. Only the changes are
     drawn: a red star where a site opens, a small orange triangle on it where it grows, each
     labelled with the year and the size it has then (every label shown, overlaps included);
     rows of a site merely open in a year are hidden. -->
<qgis version="3.28" styleCategories="Symbology|Labeling" labelsEnabled="1">
 <renderer-v2 type="categorizedSymbol" attr="change" symbollevels="0" enableorderby="0" forceraster="0">
  <categories>
   <category value="opens" symbol="0" label="opens" render="true"/>
   <category value="grows" symbol="1" label="grows" render="true"/>
   <category value="open" symbol="2" label="open, unchanged" render="false"/>
   <category value="existing" symbol="3" label="existing facility" render="true"/>
  </categories>
  <symbols>
   <symbol type="marker" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="215,25,28,255"/>
      <Option name="name" type="QString" value="star"/>
      <Option name="size" type="QString" value="4.5"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="marker" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="253,174,97,255"/>
      <Option name="name" type="QString" value="triangle"/>
      <Option name="size" type="QString" value="2.2"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="marker" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="200,200,200,255"/>
      <Option name="name" type="QString" value="circle"/>
      <Option name="size" type="QString" value="1.5"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="marker" name="3" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="130,130,130,255"/>
      <Option name="name" type="QString" value="square"/>
      <Option name="size" type="QString" value="3"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
  </symbols>
 </renderer-v2>
 <labeling type="simple">
  <settings calloutType="simple">
   <text-style fieldName="&quot;year&quot; || ': ' || coalesce(&quot;size&quot;, '')" isExpression="1" fontSize="7" textColor="30,30,30,255">
    <text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/>
   </text-style>
   <placement placement="6" dist="1.5" quadOffset="2" predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR"/>
   <rendering displayAll="1"/>
  </settings>
 </labeling>
</qgis>
